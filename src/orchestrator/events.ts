import type { AgentState, Usage } from '../agents/types.js';
import type { DecisionRecord, JudgedBy, RunSummary } from '../logs/types.js';
import type { Plan } from '../plan/types.js';

/** Where a run is. The UI picks its screen from this. */
export type RunPhase =
  | 'prd' // the PRD is being written
  | 'review' // the PRD waits for approve / edit / regenerate / cancel
  | 'planning' // tasks and files are being decided
  | 'assignment' // the plan waits for the user's approval
  | 'workspaces' // worktrees are being created
  | 'agents' // agents are running
  | 'summary' // every agent finished; summary written
  | 'cancelled';

/** Events the orchestrator emits (node:events EventEmitter map: name → listener args). */
export interface RunEvents {
  'run:phase': [phase: RunPhase];
  /** A piece of the PRD as Gemini streams it. */
  'prd:chunk': [text: string];
  'prd:retry': [attempt: number, delayMs: number, reason: string];
  /** The PRD text was replaced (the user's edit in $EDITOR). */
  'prd:edited': [text: string];
  'plan:ready': [plan: Plan];
  'agent:state': [agent: number, state: AgentState, reason: string | undefined];
  /** The agent's screen changed; throttled by the agent to at most every ~50 ms. */
  'agent:output': [agent: number];
  /** A finished line of the agent's output, ANSI stripped (headless mode prints these). */
  'agent:line': [agent: number, line: string];
  'agent:iteration': [agent: number, usage: Usage];
  /** The supervisor decided after a turn (or failed): as the summary keeps it. */
  'agent:decision': [agent: number, decision: DecisionRecord];
  /** Best of n: a task's attempts were judged (winner undefined: none succeeded; `by` then undefined too). */
  'task:judged': [task: number, winner: number | undefined, by: JudgedBy | undefined, reason: string];
  'run:summary': [summary: RunSummary];
  /** One-line warning for the user (e.g. uncommitted changes are not seen by agents). */
  'run:warning': [message: string];
}
