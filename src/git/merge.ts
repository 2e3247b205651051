import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../errors.js';
import { git, GitError, nulFields } from './exec.js';

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

const branchExists = async (root: string, branch: string): Promise<boolean> => {
  try {
    await git(root, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`]);
    return true;
  } catch (error) {
    if (error instanceof GitError) return false;
    throw error;
  }
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
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aider-orchestrator-merge-'));
  const worktree = path.join(dir, 'merge');
  const result: MergeResult = { target, merged: [], conflicts: [] };
  await git(root, ['worktree', 'add', '--quiet', '-b', target, worktree, base]);
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
