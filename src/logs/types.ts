import type { AgentState, CommitInfo, FileChange, TokenCounts } from '../agents/types.js';

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
  tokens: TokenCounts;
  cost: number;
  durationMs: number;
  commits: CommitInfo[];
  filesChanged: FileChange[];
  /** Path of this agent's JSONL log. */
  log: string;
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
