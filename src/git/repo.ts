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

/** Repo-relative paths of every tracked file. */
export const trackedFiles = async (root: string): Promise<string[]> => nulFields(await git(root, ['ls-files', '-z']));

/** Paths with uncommitted changes (staged, unstaged or untracked). */
export const dirtyFiles = async (root: string): Promise<string[]> =>
  nulFields(await git(root, ['status', '--porcelain', '-z', '--untracked-files=normal']))
    .filter((entry) => /^.. /.test(entry))
    .map((entry) => entry.slice(3));

/** A folder name for a clone of `url`: its last path part, without `.git`. */
export const cloneFolderName = (url: string): string => {
  const last = url.replace(/\/+$/, '').split(/[/:]/).pop() ?? 'repo';
  return last.replace(/\.git$/, '').replace(/[^\w.-]/g, '_') || 'repo';
};

/**
 * Clones `url` into `reposDir` (or reuses an earlier clone there, fetching its latest
 * commits) and returns the clone's folder.
 */
export const cloneRepo = async (url: string, reposDir: string, onProgress?: (line: string) => void, signal?: AbortSignal): Promise<string> => {
  const dir = path.join(reposDir, cloneFolderName(url));
  fs.mkdirSync(reposDir, { recursive: true });
  try {
    if (fs.existsSync(path.join(dir, '.git'))) {
      onProgress?.(`updating the clone in ${dir}`);
      await git(dir, ['pull', '--ff-only', '--quiet'], { signal });
    } else {
      onProgress?.(`cloning ${url} into ${dir}`);
      await git(reposDir, ['clone', '--quiet', '--', url, dir], { signal });
    }
  } catch (error) {
    if (error instanceof GitError) {
      throw new UserError(`cannot clone ${url}: ${error.stderr.trim().split('\n').pop()}; check the URL and your access`);
    }
    throw error;
  }
  return dir;
};
