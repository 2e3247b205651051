import type { CommitInfo, FileChange } from './types.js';
import { git, nulFields } from './exec.js';

/** Commits on HEAD (or on `head`, e.g. `refs/heads/<branch>`) since `base`, oldest first. */
export const commitsSince = async (worktree: string, base: string, head = 'HEAD'): Promise<CommitInfo[]> => {
  const out = await git(worktree, ['log', '--reverse', '--format=%H%x1f%s%x1e', `${base}..${head}`]);
  return out
    .split('\x1e')
    .map((record) => record.trim())
    .filter(Boolean)
    .map((record) => {
      const [hash = '', message = ''] = record.split('\x1f');
      return { hash, message };
    });
};

/** Files changed between `base` and HEAD with added/removed line counts (0 for binary files). */
export const filesChanged = async (worktree: string, base: string): Promise<FileChange[]> => {
  const fields = nulFields(await git(worktree, ['diff', '--numstat', '-z', '--no-renames', base, 'HEAD']));
  return fields.map((field) => {
    const [added = '0', removed = '0', ...rest] = field.split('\t');
    return { path: rest.join('\t'), added: Number(added) || 0, removed: Number(removed) || 0 };
  });
};

/** The patch between `base` and HEAD, for the summary screen's diff view. */
export const diffSince = async (worktree: string, base: string): Promise<string> => git(worktree, ['diff', '--no-color', base, 'HEAD']);
