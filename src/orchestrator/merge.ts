import type { AgentState } from '../agents/types.js';
import { commitsAhead, mergeBranches, type MergeResult } from '../git/merge.js';

/** The integration branch of a run. */
export const mergedBranchName = (runId: string): string => `aider-orchestrator/${runId}/merged`;

/** One agent as a merge sees it. */
export interface AgentToMerge {
  id: number;
  branch: string;
  status: AgentState;
  /** With several attempts at its task (--agents-per-task): that task's number; undefined with one. */
  task?: number | undefined;
  /** With several attempts: whether it won its task (undefined: the task was not judged). */
  winner?: boolean | undefined;
}

/** What a merge needs of a run: a finished run's summary, or the run history's record of it. */
export interface RunToMerge {
  runId: string;
  repo: string;
  baseCommit: string;
  agents: readonly AgentToMerge[];
}

/** A run's merge: what git did, and the succeeded agents left out because they did not win their task. */
export interface RunMergeResult extends MergeResult {
  leftOut: string[];
}

/**
 * The agents whose branches a merge takes: the succeeded ones, and of a task with several
 * attempts only its winner (one branch per task: two attempts at the same task would collide).
 * A task whose succeeded attempts were never judged (the run ended first) is left out, with a line.
 */
export const agentsToMerge = (agents: readonly AgentToMerge[]): { take: AgentToMerge[]; leftOut: string[] } => {
  const take: AgentToMerge[] = [];
  const leftOut: string[] = [];
  const byTask = new Map<number, AgentToMerge[]>();
  for (const agent of agents.filter((a) => a.status === 'succeeded')) {
    if (agent.task === undefined) take.push(agent);
    else byTask.set(agent.task, [...(byTask.get(agent.task) ?? []), agent]);
  }
  for (const [task, attempts] of byTask) {
    const winner = attempts.find((agent) => agent.winner === true) ?? (attempts.length === 1 ? attempts[0] : undefined);
    if (winner) {
      take.push(winner);
      for (const agent of attempts.filter((a) => a !== winner)) {
        leftOut.push(`agent ${agent.id}: not the winner of task ${task} (agent ${winner.id} is); left out`);
      }
    } else {
      leftOut.push(
        `task ${task}: agents ${attempts.map((a) => a.id).join(', ')} succeeded and none was judged the winner (the run ended first): left out; resume the run to judge them, or merge one by hand: git merge ${attempts[0]!.branch}`,
      );
    }
  }
  return { take: take.sort((a, b) => a.id - b.id), leftOut };
};

/**
 * Merges the branches of a run's succeeded agents (those with commits past the base; of a task
 * with several attempts, its winner) into `aider-orchestrator/<run>/merged` off the run's base
 * commit. A branch deleted since is named and left out.
 */
export const mergeRun = async (run: RunToMerge, onProgress?: (line: string) => void): Promise<RunMergeResult> => {
  const { take, leftOut } = agentsToMerge(run.agents);
  const branches: { agent: number; branch: string }[] = [];
  for (const agent of take) {
    const ahead = await commitsAhead(run.repo, run.baseCommit, agent.branch);
    if (ahead === undefined) onProgress?.(`agent ${agent.id}: its branch ${agent.branch} is gone; left out`);
    else if (ahead > 0) branches.push({ agent: agent.id, branch: agent.branch });
  }
  const result = await mergeBranches({ root: run.repo, base: run.baseCommit, target: mergedBranchName(run.runId), branches, onProgress });
  return { ...result, leftOut };
};

/** What a merge did, in lines for the terminal. */
export const describeMerge = (result: MergeResult & { leftOut?: readonly string[] }): string[] => [
  result.merged.length > 0
    ? `merged agent${result.merged.length === 1 ? '' : 's'} ${result.merged.join(', ')} into ${result.target}`
    : `nothing merged into ${result.target} (no succeeded agent with commits)`,
  ...result.conflicts.map(
    (conflict) =>
      `agent ${conflict.agent} conflicts in ${conflict.files.join(', ') || 'unknown files'}: left out; to merge it by hand: git switch ${result.target} && git merge ${conflict.branch}`,
  ),
  ...(result.leftOut ?? []),
];
