import { mergeBranches, type MergeResult } from '../git/merge.js';
import type { RunSummary } from '../logs/types.js';

/** The integration branch of a run. */
export const mergedBranchName = (runId: string): string => `aider-orchestrator/${runId}/merged`;

/**
 * Merges the branches of a run's succeeded agents (those with commits) into
 * `aider-orchestrator/<run>/merged` off the run's base commit.
 */
export const mergeRun = (summary: RunSummary, onProgress?: (line: string) => void): Promise<MergeResult> =>
  mergeBranches({
    root: summary.repo,
    base: summary.baseCommit,
    target: mergedBranchName(summary.runId),
    branches: summary.agents
      .filter((agent) => agent.status === 'succeeded' && agent.commits.length > 0)
      .map((agent) => ({ agent: agent.id, branch: agent.branch })),
    onProgress,
  });

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
