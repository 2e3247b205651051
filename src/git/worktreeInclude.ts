import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { git, nulFields } from './exec.js';

/** At the repo root: the user's untracked files each agent's worktree gets a copy of (gitignore syntax). */
export const WORKTREE_INCLUDE = '.worktreeinclude';

/** A file named by `.worktreeinclude` that is not copied, and why. */
export interface IncludeRefusal {
  path: string;
  problem: string;
}

export interface IncludedFiles {
  /** Repo-relative (POSIX) paths of regular files, each resolving inside the repository. */
  files: string[];
  refused: IncludeRefusal[];
}

const isOutside = (relative: string): boolean => relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative);
const hasGitSegment = (relative: string): boolean => relative.split(/[\\/]/).some((segment) => segment === '.git' || segment === '..');

/**
 * The files `.worktreeinclude` names in the user's checkout: untracked ones (ignored or not;
 * tracked files are in every worktree already), matched by git itself (`ls-files --others
 * --ignored --exclude-from`), so the patterns mean exactly what they mean in a `.gitignore`.
 * Undefined when there is no `.worktreeinclude`. Each path must resolve inside the repository:
 * a symlink that leads out of it or into `.git`, and anything that is not a regular file, is
 * refused (with the reason).
 */
export const listWorktreeIncludes = async (root: string): Promise<IncludedFiles | undefined> => {
  const list = path.join(root, WORKTREE_INCLUDE);
  const stat = fs.lstatSync(list, { throwIfNoEntry: false });
  if (!stat) return undefined;
  if (!stat.isFile()) {
    return { files: [], refused: [{ path: WORKTREE_INCLUDE, problem: 'is not a regular file (a symbolic link?), so it is not read' }] };
  }
  const realRoot = fs.realpathSync(root);
  const named = nulFields(await git(root, ['ls-files', '--others', '--ignored', `--exclude-from=${list}`, '-z']));
  const result: IncludedFiles = { files: [], refused: [] };
  for (const file of named) {
    const problem = includeProblem(realRoot, file);
    if (problem) result.refused.push({ path: file, problem });
    else result.files.push(file);
  }
  return result;
};

/** Why the file at `relative` may not be copied (undefined: it may). */
const includeProblem = (realRoot: string, relative: string): string | undefined => {
  if (path.isAbsolute(relative) || hasGitSegment(relative)) return 'is not a plain path inside the repository';
  let real: string;
  try {
    real = fs.realpathSync(path.join(realRoot, relative));
  } catch (error) {
    return `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }
  const inside = path.relative(realRoot, real);
  if (isOutside(inside)) return `leads outside the repository through a symlink (to ${real})`;
  if (hasGitSegment(inside) || inside === '.git') return 'leads into .git through a symlink';
  return fs.statSync(real).isFile() ? undefined : 'is not a regular file';
};

/** gitignore syntax for exactly this path, from the worktree's root. */
const anchoredPattern = (relative: string): string => `/${relative.replace(/[\\*?[\]!#]/g, (char) => `\\${char}`).replace(/ $/, '\\ ')}`;

/**
 * Copies the included files from the user's checkout into a new worktree. A file whose place in
 * the worktree is taken (the base commit tracks it) or leads out of the worktree (a tracked
 * symlinked folder) is left out. Returns what was copied and what was not.
 */
export const copyIncludedFiles = (
  root: string,
  worktree: string,
  files: readonly string[],
): { copied: string[]; refused: IncludeRefusal[] } => {
  const realRoot = fs.realpathSync(root);
  const realWorktree = fs.realpathSync(worktree);
  const copied: string[] = [];
  const refused: IncludeRefusal[] = [];
  for (const file of files) {
    const target = path.join(realWorktree, file);
    try {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      const folder = path.relative(realWorktree, fs.realpathSync(path.dirname(target)));
      if (isOutside(folder) || hasGitSegment(folder)) {
        refused.push({ path: file, problem: "would be written outside the agent's worktree (a symlinked folder there)" });
        continue;
      }
      if (fs.lstatSync(target, { throwIfNoEntry: false })) {
        refused.push({ path: file, problem: 'is tracked at the run’s base commit, so the worktree has its own' });
        continue;
      }
      // The source is resolved again (it must still lead inside the repository), then copied as a file.
      const problem = includeProblem(realRoot, file);
      if (problem) {
        refused.push({ path: file, problem });
        continue;
      }
      fs.copyFileSync(fs.realpathSync(path.join(realRoot, file)), target, fs.constants.COPYFILE_EXCL);
      copied.push(file);
    } catch (error) {
      refused.push({ path: file, problem: `cannot be copied (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` });
    }
  }
  return { copied, refused };
};

/** The excludes file git reads for the user: `core.excludesFile`, else `$XDG_CONFIG_HOME/git/ignore`. */
const userExcludesFile = async (worktree: string): Promise<string | undefined> => {
  const configured = (await git(worktree, ['config', '--path', '--get', 'core.excludesFile']).catch(() => '')).trim();
  if (configured) return configured;
  const xdg = process.env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
  return path.join(xdg, 'git', 'ignore');
};

/**
 * Keeps copied files out of every commit made in `worktree` (aider's, a check's, a person's):
 * the ones the repository's own ignore rules do not cover yet are listed in an excludes file of
 * this worktree only. Git shares `info/exclude` between all worktrees (the user's checkout
 * too), so the list is this worktree's `core.excludesFile`, in its own config
 * (`extensions.worktreeConfig`, which this sets in the repository's config when it is needed);
 * the file starts with the user's own excludes file, which it replaces there.
 * Returns the files it had to list.
 */
export const excludeFromCommits = async (root: string, worktree: string, files: readonly string[]): Promise<string[]> => {
  if (files.length === 0) return [];
  const ignored = new Set(
    nulFields(
      // Exit 1: none of them is ignored.
      await git(worktree, ['check-ignore', '-z', '--', ...files]).catch(() => ''),
    ),
  );
  const listed = files.filter((file) => !ignored.has(file));
  if (listed.length === 0) return [];
  const gitDir = path.resolve(worktree, (await git(worktree, ['rev-parse', '--git-dir'])).trim());
  const own = await userExcludesFile(worktree);
  let inherited = '';
  try {
    if (own) inherited = fs.readFileSync(own, 'utf8');
  } catch {
    // no excludes file of the user's
  }
  const excludes = path.join(gitDir, 'aider-orchestrator.exclude');
  fs.writeFileSync(
    excludes,
    `${inherited ? `# ${own}\n${inherited}\n` : ''}# copied from the user's checkout by ${WORKTREE_INCLUDE}: never committed\n${listed.map(anchoredPattern).join('\n')}\n`,
  );
  const enabled = (await git(root, ['config', '--bool', '--get', 'extensions.worktreeConfig']).catch(() => '')).trim() === 'true';
  if (!enabled) await git(root, ['config', '--local', 'extensions.worktreeConfig', 'true']);
  await git(worktree, ['config', '--worktree', 'core.excludesFile', excludes]);
  return listed;
};
