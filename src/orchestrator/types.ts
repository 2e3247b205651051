import type { EventEmitter } from 'node:events';
import type { Settings } from '../config/settings.js';
import type { AgentView } from '../agents/types.js';
import type { RunSummary } from '../logs/types.js';
import type { Plan } from '../plan/types.js';
import type { RunEvents, RunPhase } from './events.js';

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
  /** Merge the succeeded agents' branches into `aider-orchestrator/<run>/merged`; returns what happened, in lines. */
  merge(): Promise<string[]>;
  /** The agent's changes since the run's base commit, as a patch. */
  diff(agent: number): Promise<string>;
  restartAgent(agent: number): void;
  /** One more turn for a finished agent, in its conversation (the review's comments); throws UserError when it cannot take one. */
  followUp(agent: number, message: string): void;
  /** Stop everything; a running startAgents() still resolves with the summary (status 'stopped'). */
  stopAll(): Promise<void>;
  /** Cancel before agents start (phase becomes 'cancelled'). */
  cancel(): void;
}
