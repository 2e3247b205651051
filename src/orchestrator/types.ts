import type { EventEmitter } from 'node:events';
import type { Settings } from '../config/settings.js';
import type { AgentOptions, AgentResult } from '../agents/agent.js';
import type { AgentView } from '../agents/types.js';
import type { RunSummary } from '../logs/types.js';
import type { AgentTask, Plan } from '../plan/types.js';
import type { RunEvents, RunPhase } from './events.js';
import type { RecordedAgent } from './historyRecorder.js';
import type { Attempt } from './judging.js';

/** What `p` on the summary offers: what it will push and where, the question, and the doing of it. */
export interface PullRequestOffer {
  lines: string[];
  question: string;
  /** Pushes and opens the pull requests; what happened, in lines (each URL, or why not). */
  open(): Promise<string[]>;
}

/**
 * The run as the UI and headless mode drive it. The orchestrator owns the truth;
 * callers read these fields after an event and call the commands.
 *
 * Flow: generatePrd() → [editPrd()/generatePrd(feedback)] → approvePrd() → (phase 'assignment')
 *       → [setPlan()] → startAgents() → (phase 'summary').
 */
export interface RunController extends EventEmitter<RunEvents> {
  readonly runId: string;
  readonly phase: RunPhase;
  readonly change: string;
  readonly settings: Settings;
  /** The PRD text so far (grows while it streams). */
  readonly prd: string;
  /** Where the approved PRD was saved. */
  readonly prdPath: string | undefined;
  readonly plan: Plan | undefined;
  /** Max agents, for the assignment screen's +/- limits. */
  readonly maxAgents: number;
  readonly agents: readonly AgentView[];
  readonly summary: RunSummary | undefined;

  /** Set the change request (the TUI asks for it when --change was not given). */
  setChange(text: string): void;
  /** Write (or rewrite, with the user's feedback) the PRD; streams `prd:chunk`. Ends in phase 'review'. */
  generatePrd(feedback?: string): Promise<void>;
  /** Replace the PRD text (after the user edited it in $EDITOR). */
  setPrd(text: string): void;
  /** Save the PRD under docs/prd/ and make the plan. Ends in phase 'assignment'. */
  approvePrd(): Promise<void>;
  /** Replace the plan (file-assignment screen). Validated; throws UserError on a bad plan. */
  setPlan(plan: Plan): void;
  /** Create workspaces, run every agent (≤ maxAgents at once), write logs and the summary. */
  startAgents(): Promise<RunSummary>;
  stopAgent(agent: number): Promise<void>;
  /**
   * Merge the succeeded agents' branches (of a task with several attempts, its winner's) into `aider-orchestrator/<run>/merged` (with `resolve`,
   * conflicts resolved by an agent, into the existing branch), then run the check command on it;
   * returns what happened, in lines.
   */
  merge(options?: { resolve?: boolean }): Promise<string[]>;
  /**
   * Checks what a pull request of the merged branch needs (token, remote, repository, the merge)
   * and offers it; throws UserError (one line) when something is missing.
   */
  preparePullRequests(): Promise<PullRequestOffer>;
  /** The agent's changes since the run's base commit, as a patch. */
  diff(agent: number): Promise<string>;
  restartAgent(agent: number): void;
  /**
   * Best of n, after the run: make a succeeded attempt its task's winner instead of the judged one
   * (summary JSON and history rewritten; `merge` takes winners). Throws UserError otherwise.
   */
  pickWinner(agent: number): Promise<void>;
  /**
   * One more turn for a finished agent, in its conversation (its idle aider, or a new one that
   * restores the chat history); the summary is rewritten when it settles. Throws UserError
   * (unknown agent, empty message, agent not finished, worktree gone).
   */
  followUp(agent: number, message: string): void;
  /** The agent's worktree is still there (a follow-up needs it). */
  hasWorktree(agent: number): boolean;
  /** Stop everything; a running startAgents() still resolves with the summary (status 'stopped'). */
  stopAll(): Promise<void>;
  /** Cancel before agents start (phase becomes 'cancelled'). */
  cancel(): void;
}

/**
 * What a Run needs of an agent (agents/agent.ts Agent is the real one): what the UI reads, what
 * judging and the history follow, and the commands the run gives it. A test passes fakes through
 * RunOptions.createAgent.
 */
export interface AgentLike extends AgentView, Attempt, RecordedAgent {
  readonly task: AgentTask;
  readonly description: string;
  readonly runDir: string;
  /** What it has come to so far (its final result once it has ended). */
  result(): AgentResult;
  /** Runs its turns until it ends. */
  run(): Promise<AgentResult>;
  stop(reason?: string): Promise<void>;
  /** A finished agent runs again from its task (run() follows). */
  prepareRestart(): void;
  /** A finished agent's next run is this message, in its conversation (run() follows). */
  prepareFollowUp(message: string): void;
  /** Ends its idle aider, if it kept one. */
  closeIdleSession(): Promise<void>;
  /** Ends its processes and terminal at once. */
  dispose(): void;
}

export type AgentFactory = (options: AgentOptions) => AgentLike;

/**
 * The run's worktrees (git/worktrees.ts WorkspacePool is the real one): prepared while the PRD is
 * read, given to agents at start, the unused ones removed.
 */
export interface Workspaces {
  /** Starts preparing workspaces for agents 1..count (a failure only costs the head start). */
  prepare(count: number): void;
  /** The prepared workspace of `agent` once made; undefined if it was not (or is no longer) prepared. */
  preparedPath(agent: number): Promise<string | undefined>;
  /** The agent's worktree on `branch`, prepared or made now. */
  acquire(agent: number, branch: string): Promise<string>;
  /** Removes every worktree and branch it gave (no agent started). */
  discard(): Promise<void>;
  /** Removes the prepared workspaces no agent took; prepares no more. */
  release(): Promise<void>;
}
