/** One task as the PRD model proposes it; plan/build validates its paths and assigns agents. */
export interface ProposedTask {
  title: string;
  description: string;
  files: string[];
}

/** One agent's share of the work. */
export interface AgentTask {
  /** 1-based agent number; also names the branch (`agent-<n>`) and the log (`agent<N>_<ts>.jsonl`). */
  agent: number;
  /** Short title, one line. */
  title: string;
  /** What this agent must do, in plain text (its part of the plan). */
  description: string;
  /** Repo-relative paths the agent edits (given to aider on its command line). */
  files: string[];
  /** With agents-per-task > 1: which attempt at the same task this is (1-based). */
  attempt: number;
}

export interface Plan {
  tasks: AgentTask[];
  /** Files the user named that no agent has (shown on the assignment screen). */
  unassigned: string[];
}
