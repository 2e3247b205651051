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
  /** Agents whose branch is in the integration branch (merged now, or by an earlier merge into it). */
  merged: number[];
  /** Branches left out: they conflict (and, with a resolver, it could not resolve them: `reason`). */
  conflicts: { agent: number; branch: string; files: string[]; reason?: string }[];
  /** Branches that conflicted and were merged after the resolver resolved their conflicts. */
  resolved: { agent: number; branch: string; files: string[] }[];
}

/** A merge stopped by conflicts, as the resolver gets it: the merge is in progress in `worktree`. */
export interface MergeConflict {
  worktree: string;
  target: string;
  agent: number;
  branch: string;
  /** Repo-relative paths git could not merge. */
  files: string[];
  /** Agents merged into the integration branch before this one. */
  mergedSoFar: readonly number[];
}

/** What the resolver did: the merge is concluded here only when it says resolved. */
export type ConflictResolution = { resolved: true } | { resolved: false; reason: string };

/** A line starting a conflict hunk or ending one (`<<<<<<< ours`, `>>>>>>> theirs`). */
const CONFLICT_MARKER = /^(<{7}|>{7})( |$)/m;

/** Commits on `branch` that `base` does not have; undefined when there is no such branch. */
export const commitsAhead = async (root: string, base: string, branch: string): Promise<number | undefined> => {
  if (!(await branchExists(root, branch))) return undefined;
  return Number((await git(root, ['rev-list', '--count', `${base}..refs/heads/${branch}`])).trim());
};

/**
 * Merges agent branches one by one into a new branch `target` off `base`, in a temporary
 * worktree, so the user's checkout and current branch are never touched. A merge that
 * conflicts goes to `resolve` when given (the merge still in progress); unless it resolves
 * it, the merge is aborted and reported with its files; the others go on. With `continue`,
 * an existing `target` is merged into instead of refused (branches already in it count as merged).
 * `inWorktree` runs in the integration worktree once every branch is done (the check command).
 */
export const mergeBranches = async (options: {
  root: string;
  base: string;
  target: string;
  branches: readonly BranchToMerge[];
  onProgress?(line: string): void;
  resolve?(conflict: MergeConflict): Promise<ConflictResolution>;
  continue?: boolean;
  inWorktree?(worktree: string, result: MergeResult): Promise<void>;
}): Promise<MergeResult> => {
  const { root, base, target } = options;
  const existing = await branchExists(root, target);
  if (existing && !options.continue) {
    throw new UserError(
      `the branch ${target} exists already: delete it (git branch -D ${target}) to merge again, or merge the branches it lacks into it with merge --resolve (R on the summary)`,
    );
  }
  const result: MergeResult = { target, merged: [], conflicts: [], resolved: [] };
  let dir: string | undefined;
  try {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aider-orchestrator-merge-'));
    const at = path.join(dir, 'merge');
    await git(root, existing ? ['worktree', 'add', '--quiet', at, target] : ['worktree', 'add', '--quiet', '-b', target, at, base]);
  } catch (error) {
    // git makes the branch before the worktree: a failed worktree must not leave an empty target behind.
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    await git(root, ['worktree', 'prune']).catch(() => undefined);
    if (!existing && (await branchExists(root, target))) await git(root, ['branch', '-D', target]).catch(() => undefined);
    if (existing && error instanceof GitError) {
      throw new UserError(
        `cannot merge into ${target} (${failureReason(error)}): switch the checkout that has it to another branch, then merge again`,
      );
    }
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
      if (existing && (await isAncestor(worktree, branch, 'HEAD'))) {
        result.merged.push(agent);
        options.onProgress?.(`agent ${agent} (${branch}) is in ${target} already`);
        continue;
      }
      const message = `Merge agent ${agent} (${branch})`;
      const before = (await git(worktree, ['rev-parse', 'HEAD'])).trim();
      try {
        await git(worktree, ['merge', '--no-ff', '--no-edit', '-m', message, branch]);
        result.merged.push(agent);
        options.onProgress?.(`merged agent ${agent} (${branch})`);
        continue;
      } catch (error) {
        if (!(error instanceof GitError)) throw error;
      }
      const files = nulFields(await git(worktree, ['diff', '--name-only', '-z', '--diff-filter=U']));
      let reason: string | undefined;
      if (options.resolve && files.length > 0) {
        options.onProgress?.(`agent ${agent} conflicts in ${files.join(', ')}: resolving with an agent`);
        const resolution = await options
          .resolve({ worktree, target, agent, branch, files, mergedSoFar: [...result.merged] })
          .catch((error: unknown): ConflictResolution => ({ resolved: false, reason: (error as Error).message }));
        reason = resolution.resolved ? await concludeMerge(worktree, { branch, files, message }) : resolution.reason;
        if (reason === undefined) {
          result.merged.push(agent);
          result.resolved.push({ agent, branch, files });
          options.onProgress?.(`merged agent ${agent} (${branch}): the agent resolved the conflicts in ${files.join(', ')}`);
          continue;
        }
      }
      await abortMerge(worktree, before);
      result.conflicts.push({ agent, branch, files, ...(reason === undefined ? {} : { reason }) });
      options.onProgress?.(
        `agent ${agent} conflicts in ${files.join(', ') || '(unknown files)'}: ${reason ? `not resolved (${reason}); ` : ''}skipped`,
      );
    }
    await options.inWorktree?.(worktree, result);
  } finally {
    await git(root, ['worktree', 'remove', '--force', worktree]).catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return result;
};

const isAncestor = (cwd: string, commit: string, of: string): Promise<boolean> =>
  git(cwd, ['merge-base', '--is-ancestor', commit, of]).then(
    () => true,
    () => false,
  );

/** The files among `files` (repo-relative, in `worktree`) that still hold a conflict marker line. */
export const filesWithConflictMarkers = (worktree: string, files: readonly string[]): string[] =>
  files.filter((file) => {
    const full = path.resolve(worktree, file);
    if (path.relative(worktree, full).startsWith('..')) return false;
    try {
      return CONFLICT_MARKER.test(fs.readFileSync(full, 'utf8'));
    } catch {
      return false; // deleted: resolved by removing it
    }
  });

/**
 * Concludes a merge whose conflicts someone else resolved in the worktree: no conflict marker left
 * in the conflicted files, nothing unmerged once they are staged, then the merge commit (two
 * parents). Aider cannot commit while a merge is in progress (git refuses its partial commit), so
 * the commit is made here; a merge it concluded some other way is accepted when it has `branch`.
 * Returns why the merge is not concluded, or undefined when it is.
 */
const concludeMerge = async (
  worktree: string,
  merge: { branch: string; files: readonly string[]; message: string },
): Promise<string | undefined> => {
  const marked = filesWithConflictMarkers(worktree, merge.files);
  if (marked.length > 0) return `conflict markers left in ${marked.join(', ')}`;
  const inProgress = await git(worktree, ['rev-parse', '-q', '--verify', 'MERGE_HEAD']).then(
    () => true,
    () => false,
  );
  if (!inProgress) {
    return (await isAncestor(worktree, merge.branch, 'HEAD')) ? undefined : 'the merge was abandoned before it was committed';
  }
  await git(worktree, ['add', '-A', '--', ...merge.files]);
  const unmerged = nulFields(await git(worktree, ['diff', '--name-only', '-z', '--diff-filter=U']));
  if (unmerged.length > 0) return `files still unmerged: ${unmerged.join(', ')}`;
  try {
    await git(worktree, ['commit', '--quiet', '--no-edit', '-m', merge.message]);
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    return `cannot commit the merge (${failureReason(error)})`;
  }
  return undefined;
};

/** Leaves the integration branch as it was before the merge: nothing half-merged, nothing the resolver left behind. */
const abortMerge = async (worktree: string, before: string): Promise<void> => {
  await git(worktree, ['merge', '--abort']).catch(() => undefined);
  await git(worktree, ['reset', '--quiet', '--hard', before]);
  await git(worktree, ['clean', '--quiet', '-fd']);
};
