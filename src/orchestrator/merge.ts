import type { AgentState } from '../agents/types.js';
import { commitsAhead, mergeBranches, type MergeResult } from '../git/merge.js';

/** The integration branch of a run. */
export const mergedBranchName = (runId: string): string => `aider-orchestrator/${runId}/merged`;

/** What a merge needs of a run: a finished run's summary, or the run history's record of it. */
export interface RunToMerge {
  runId: string;
  repo: string;
  baseCommit: string;
  agents: readonly { id: number; branch: string; status: AgentState }[];
}

/**
 * Merges the branches of a run's succeeded agents (those with commits past the base) into
 * `aider-orchestrator/<run>/merged` off the run's base commit. A branch deleted since is named
 * and left out.
 */
export const mergeRun = async (run: RunToMerge, onProgress?: (line: string) => void): Promise<MergeResult> => {
  const branches: { agent: number; branch: string }[] = [];
  for (const agent of run.agents.filter((a) => a.status === 'succeeded')) {
    const ahead = await commitsAhead(run.repo, run.baseCommit, agent.branch);
    if (ahead === undefined) onProgress?.(`agent ${agent.id}: its branch ${agent.branch} is gone; left out`);
    else if (ahead > 0) branches.push({ agent: agent.id, branch: agent.branch });
  }
  return mergeBranches({ root: run.repo, base: run.baseCommit, target: mergedBranchName(run.runId), branches, onProgress });
};

/** What a merge did, in lines for the terminal. */
export const describeMerge = (result: MergeResult): string[] => [
  result.merged.length > 0
    ? `merged agent${result.merged.length === 1 ? '' : 's'} ${result.merged.join(', ')} into ${result.target}`
    : `nothing merged into ${result.target} (no succeeded agent with commits)`,
  ...result.conflicts.map(
    (conflict) =>
      `agent ${conflict.agent} conflicts in ${conflict.files.join(', ') || 'unknown files'}: left out; to merge it by hand: git switch ${result.target} && git merge ${conflict.branch}`,
  ),
];
