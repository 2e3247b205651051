import type { AgentState, TokenCounts } from '../agents/types.js';
import type { CommitInfo, FileChange } from '../git/types.js';

/**
 * One answer of the supervisor after a turn, as the summary and the agent's log keep it; a call
 * that gave no usable answer is kept too (action `failed`, the reason as its message), so its
 * tokens are counted and the end of the agent is explained.
 */
export interface DecisionRecord {
  /** ISO time the answer came. */
  time: string;
  /** instruct, check, finish (llm/supervisor.ts SupervisorAction), or failed. */
  action: 'instruct' | 'check' | 'finish' | 'failed';
  progress: string;
  thought: string;
  /** The instruction typed into the agent (instruct), the failure's reason (failed), else empty. */
  message: string;
  future: string;
  tokens: TokenCounts;
  /** USD; 0 while the model's price is not known to the app. */
  cost: number;
}

/** The supervisor's share of an agent's tokens and cost. */
export interface SupervisorTotals {
  /** Answers asked for (failed ones included). */
  calls: number;
  tokens: TokenCounts;
  cost: number;
}

/** One agent in `summary_<ts>.json`. */
export interface AgentSummary {
  /** Agent number (1-based). */
  id: number;
  branch: string;
  worktree: string;
  /** Task title and description. */
  task: string;
  files: string[];
  status: AgentState;
  /** Why it ended this way, one line (e.g. "max iterations (3) reached; check still failing"). */
  reason: string | undefined;
  exitCode: number | null;
  iterations: number;
  /** Aider's tokens and cost, plus the supervisor's (see `supervisor`). */
  tokens: TokenCounts;
  cost: number;
  durationMs: number;
  commits: CommitInfo[];
  filesChanged: FileChange[];
  /** Path of this agent's JSONL log. */
  log: string;
  /**
   * The supervisor's answers after each turn, oldest first (empty with --no-supervisor).
   * Absent in summaries written before the supervisor existed.
   */
  decisions?: DecisionRecord[];
  /** The supervisor's part of `tokens` and `cost`; absent like `decisions`. */
  supervisor?: SupervisorTotals;
}

export interface RunTotals {
  agents: number;
  succeeded: number;
  failed: number;
  stopped: number;
  iterations: number;
  tokens: TokenCounts;
  cost: number;
  commits: number;
  durationMs: number;
}

/** `summary_<ts>.json`. */
export interface RunSummary {
  runId: string;
  change: string;
  repo: string;
  baseCommit: string;
  prdPath: string | undefined;
  startedAt: string;
  finishedAt: string;
  status: 'succeeded' | 'failed' | 'stopped';
  agents: AgentSummary[];
  totals: RunTotals;
  logDir: string;
  /** Where the summary is written; undefined when it could not be (the run's warning says why). */
  summaryPath: string | undefined;
}
