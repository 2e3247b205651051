import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../errors.js';
import { git, GitError, nulFields } from './exec.js';
import { branchExists, failureReason, isEnvironmentError } from './worktrees.js';

export interface BranchToMerge {
  agent: number;
  branch: string;
}

export interface MergeResult {
  /** The integration branch, created at `base`. */
  target: string;
  merged: number[];
  conflicts: { agent: number; branch: string; files: string[] }[];
}

/** Commits on `branch` that `base` does not have; undefined when there is no such branch. */
export const commitsAhead = async (root: string, base: string, branch: string): Promise<number | undefined> => {
  if (!(await branchExists(root, branch))) return undefined;
  return Number((await git(root, ['rev-list', '--count', `${base}..refs/heads/${branch}`])).trim());
};

/**
 * Merges agent branches one by one into a new branch `target` off `base`, in a temporary
 * worktree, so the user's checkout and current branch are never touched. A merge that
 * conflicts is aborted and reported with its files; the others go on.
 */
export const mergeBranches = async (options: {
  root: string;
  base: string;
  target: string;
  branches: readonly BranchToMerge[];
  onProgress?(line: string): void;
}): Promise<MergeResult> => {
  const { root, base, target } = options;
  if (await branchExists(root, target)) {
    throw new UserError(`the branch ${target} exists already: delete it (git branch -D ${target}) to merge again`);
  }
  const result: MergeResult = { target, merged: [], conflicts: [] };
  let dir: string | undefined;
  try {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aider-orchestrator-merge-'));
    await git(root, ['worktree', 'add', '--quiet', '-b', target, path.join(dir, 'merge'), base]);
  } catch (error) {
    // git makes the branch before the worktree: a failed worktree must not leave an empty target behind.
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    await git(root, ['worktree', 'prune']).catch(() => undefined);
    if (await branchExists(root, target)) await git(root, ['branch', '-D', target]).catch(() => undefined);
    if (!isEnvironmentError(error)) throw error;
    const baseGone = await git(root, ['cat-file', '-e', `${base}^{commit}`]).then(
      () => false,
      () => true,
    );
    throw new UserError(
      baseGone
        ? `cannot start ${target} at the run's base ${base.slice(0, 7)} (${failureReason(error)}): check that the commit is still in ${root}`
        : `cannot make the merge worktree for ${target} (${failureReason(error)}): free space in ${os.tmpdir()} (or set TMPDIR), then merge again`,
    );
  }
  const worktree = path.join(dir, 'merge');
  try {
    for (const { agent, branch } of options.branches) {
      try {
        await git(worktree, ['merge', '--no-ff', '--no-edit', '-m', `Merge agent ${agent} (${branch})`, branch]);
        result.merged.push(agent);
        options.onProgress?.(`merged agent ${agent} (${branch})`);
      } catch (error) {
        if (!(error instanceof GitError)) throw error;
        const files = nulFields(await git(worktree, ['diff', '--name-only', '-z', '--diff-filter=U']));
        await git(worktree, ['merge', '--abort']).catch(() => undefined);
        result.conflicts.push({ agent, branch, files });
        options.onProgress?.(`agent ${agent} conflicts in ${files.join(', ') || '(unknown files)'}: skipped`);
      }
    }
  } finally {
    await git(root, ['worktree', 'remove', '--force', worktree]).catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return result;
};
