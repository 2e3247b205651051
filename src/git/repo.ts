import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { git, GitError, nulFields } from './exec.js';

/** The top folder of the git work tree that holds `dir`; a clear error when there is none. */
export const findRepoRoot = async (dir: string): Promise<string> => {
  if (!fs.existsSync(dir)) throw new UserError(`${dir} does not exist: pass an existing folder with --repo, or cd into your repository`);
  try {
    return (await git(dir, ['rev-parse', '--show-toplevel'])).trim();
  } catch (error) {
    if (error instanceof GitError) {
      throw new UserError(`${dir} is not inside a git repository: run aider-orchestrator in one, or pass --repo <path|url>`);
    }
    throw error;
  }
};

/** The commit agents start from. A repo without commits cannot have worktrees. */
export const headCommit = async (root: string): Promise<string> => {
  try {
    return (await git(root, ['rev-parse', '--verify', 'HEAD^{commit}'])).trim();
  } catch (error) {
    if (error instanceof GitError) {
      throw new UserError(`${root} has no commits yet: commit your files once, then run aider-orchestrator again`);
    }
    throw error;
  }
};

/** The branch checked out in `root` (the one a run starts from), or undefined on a detached HEAD. */
export const currentBranch = async (root: string): Promise<string | undefined> => {
  try {
    return (await git(root, ['symbolic-ref', '--quiet', '--short', 'HEAD'])).trim() || undefined;
  } catch (error) {
    if (error instanceof GitError) return undefined;
    throw error;
  }
};

/** Repo-relative paths of every tracked file. */
export const trackedFiles = async (root: string): Promise<string[]> => nulFields(await git(root, ['ls-files', '-z']));

/** Paths with uncommitted changes (staged, unstaged or untracked). */
export const dirtyFiles = async (root: string): Promise<string[]> =>
  nulFields(await git(root, ['status', '--porcelain', '-z', '--untracked-files=normal']))
    .filter((entry) => /^.. /.test(entry))
    .map((entry) => entry.slice(3));

/** `url` with any credentials (`user:token@`) replaced by `***`, for messages and folder names. */
export const maskUrl = (url: string): string => url.replace(/^([a-z][\w+.-]*:\/\/)[^/@\s]+@/i, '$1***@');

/** Every credential-bearing URL in `text` (git's own messages echo them) masked. */
export const maskUrlsIn = (text: string): string => text.replace(/([a-z][\w+.-]*:\/\/)[^/@\s'"]+@/gi, '$1***@');

/**
 * A folder name for a clone of `url`: its last path part (readable) and a short hash of the
 * whole URL without credentials, so `.../A/app` and `.../B/app` get folders of their own while
 * the same repository with another token or a trailing `.git` finds its earlier clone.
 */
export const cloneFolderName = (url: string): string => {
  const key = url
    .replace(/^([a-z][\w+.-]*:\/\/)[^/@\s]+@/i, '$1')
    .replace(/\/+$/, '')
    .replace(/\.git$/, '');
  const last = key.split(/[/:]/).pop() ?? '';
  const readable = last.replace(/[^\w.-]/g, '_').replace(/^\.+/, '') || 'repo';
  return `${readable}-${createHash('sha256').update(key).digest('hex').slice(0, 8)}`;
};

/**
 * Clones `url` into `reposDir` (or reuses an earlier clone there, fetching its latest
 * commits) and returns the clone's folder. Credentials in the URL are never printed.
 */
export const cloneRepo = async (
  url: string,
  reposDir: string,
  onProgress?: (line: string) => void,
  signal?: AbortSignal,
): Promise<string> => {
  const dir = path.join(reposDir, cloneFolderName(url));
  fs.mkdirSync(reposDir, { recursive: true, mode: 0o700 });
  try {
    if (fs.existsSync(path.join(dir, '.git'))) {
      onProgress?.(`updating the clone in ${dir}`);
      await git(dir, ['pull', '--ff-only', '--quiet'], { signal });
    } else {
      onProgress?.(`cloning ${maskUrl(url)} into ${dir}`);
      await git(reposDir, ['clone', '--quiet', '--', url, dir], { signal });
    }
  } catch (error) {
    if (error instanceof GitError) {
      const reason = maskUrlsIn(error.stderr.trim().split('\n').pop() ?? '');
      throw new UserError(`cannot clone ${maskUrl(url)}: ${reason}; check the URL and your access`);
    }
    throw error;
  }
  return dir;
};

/** Whether git tracks `file` (a file outside any repository is not tracked). */
export const isTrackedByGit = async (file: string): Promise<boolean> => {
  try {
    return (await git(path.dirname(file), ['ls-files', '-z', '--', path.basename(file)])).length > 0;
  } catch (error) {
    if (error instanceof GitError) return false;
    throw error;
  }
};

/** A file as committed: its text, or only that it is a symbolic link (whose target could be anywhere). */
export interface CommittedFile {
  path: string;
  kind: 'file' | 'symlink';
  text: string;
}

/** Those of `paths` (repo-relative) that `commit` holds, as regular files or symbolic links. */
export const committedFiles = async (root: string, commit: string, paths: readonly string[]): Promise<CommittedFile[]> => {
  const entries = nulFields(await git(root, ['ls-tree', '-z', commit, '--', ...paths]));
  const files: CommittedFile[] = [];
  for (const entry of entries) {
    const match = /^(\d+) (\w+) ([0-9a-f]+)\t(.*)$/s.exec(entry);
    if (!match) continue;
    const [, mode, type, object, file] = match;
    if (type !== 'blob') continue;
    files.push(
      mode === '120000'
        ? { path: file!, kind: 'symlink', text: '' }
        : { path: file!, kind: 'file', text: await git(root, ['cat-file', 'blob', object!]) },
    );
  }
  return files;
};
