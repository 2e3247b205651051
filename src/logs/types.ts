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

/**
 * How the winner among a task's attempts (--agents-per-task) was chosen: `outcome` it was the only
 * one that succeeded; `check` the check command ranked it first; `model` the judge model picked it;
 * `tie-break` the smaller diff, then the lower cost (no judge model, or it failed); `first-wins` it
 * was the first to pass the check and the others were stopped; `user` picked on the summary screen.
 */
export type JudgedBy = 'outcome' | 'check' | 'model' | 'tie-break' | 'first-wins' | 'user';

/** Why an attempt won its task; on the winner only. */
export interface Judgement {
  by: JudgedBy;
  /** One line. */
  reason: string;
  /** ISO time of the verdict. */
  time: string;
  /** The judge model's tokens, when it was asked (not counted in the agents' totals). */
  tokens?: TokenCounts;
}

/** What --first-wins stopped for a task's winner, and what that may have saved. */
export interface FirstWinsSaving {
  /** The attempts it stopped. */
  stopped: number[];
  /** What they had cost when they were stopped (USD; counted in the totals). */
  stoppedCost: number;
  /**
   * An estimate, not a measurement: each stopped attempt is assumed to have needed what the winner
   * cost in all, less what it had spent when stopped (never below 0). USD.
   */
  estimatedCostAvoided: number;
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
  /** With several attempts at its task (--agents-per-task): which task (1-based) and attempt. Absent with one. */
  attempt?: { task: number; attempt: number; of: number };
  /** With several attempts at its task: whether this one won (what `merge` takes). Absent with one. */
  winner?: boolean;
  /** On the winner: how and why it was chosen. */
  judgement?: Judgement;
  /** On a winner under --first-wins that stopped other attempts. */
  firstWins?: FirstWinsSaving;
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

/** A pull request opened for one of the run's branches (`pr`, `p` on the summary). */
export interface PullRequestSummary {
  branch: string;
  url: string;
  number: number;
}

/** `summary_<ts>.json`. */
export interface RunSummary {
  runId: string;
  change: string;
  repo: string;
  baseCommit: string;
  /** The branch checked out when the run started; absent on a detached HEAD and in older summaries. */
  baseBranch?: string | undefined;
  prdPath: string | undefined;
  startedAt: string;
  finishedAt: string;
  status: 'succeeded' | 'failed' | 'stopped';
  agents: AgentSummary[];
  totals: RunTotals;
  logDir: string;
  /** Where the summary is written; undefined when it could not be (the run's warning says why). */
  summaryPath: string | undefined;
  /** The last merge of the run's branches (`merge`, `m`/`R` on the summary); absent until one ran. */
  merge?: MergeRecord;
  /** Pull requests opened for the run's branches since it finished; absent until the first. */
  pullRequests?: PullRequestSummary[];
}

/** The run's check command on the integration branch, after a merge. */
export interface MergeCheck {
  command: string;
  passed: boolean;
  exitCode: number | null;
  timedOut: boolean;
  /** With timedOut: the --check-timeout that ended it. */
  timeoutMs?: number;
  /** The end of its output (stdout and stderr together), secrets masked. */
  output: string;
}

/** A merge into the integration branch, as the summary keeps it. */
export interface MergeRecord {
  /** The integration branch. */
  branch: string;
  /** Agents whose branch is in it. */
  merged: number[];
  /** Branches left out: their conflicting files, and why the agent could not resolve them (with --resolve). */
  leftOut: { agent: number; branch: string; files: string[]; reason?: string }[];
  /** Branches merged after an agent resolved their conflicts, and what that cost. */
  resolved: { agent: number; branch: string; files: string[]; iterations: number; tokens: number; cost: number }[];
  /** Absent when the run has no check command, or nothing was merged. */
  check: MergeCheck | undefined;
  finishedAt: string;
}
