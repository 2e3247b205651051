import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import type { Plan } from './types.js';

const toPosix = (p: string) => p.split(path.sep).join('/');

const isOutside = (relative: string): boolean => relative === '..' || relative.startsWith('../') || path.isAbsolute(relative);

const isGit = (relative: string): boolean => relative === '.git' || relative.startsWith('.git/');

/** Why a path cannot be used, and what the user can do about it (for --files). */
export interface PathRefusal {
  /** The path as given (or a file found under a folder that was given). */
  path: string;
  /** What is wrong, e.g. `leads outside the repository through a symlink (to /etc/passwd)`. */
  problem: string;
  /** What to do, e.g. `leave it out of --files`. */
  fix: string;
}

type Refusal = Omit<PathRefusal, 'path'>;

/** Where a repo path really leads in the checkout, every symlink followed. */
type Resolution =
  | { kind: 'file' | 'folder'; relative: string }
  /** Nothing there yet; `relative` is where a new file would really be created. */
  | { kind: 'absent'; relative: string }
  | ({ kind: 'refused' } & Refusal);

const LEAVE_OUT = 'leave it out of --files';

const errorCode = (error: unknown): string | undefined => (error as NodeJS.ErrnoException).code;

/**
 * Follows `relative` (lexically inside the repo) through every symlink, as aider and the
 * app's reads would. Refuses what leads outside the real root or into .git, broken
 * links, loops and anything that is neither a regular file nor a folder.
 */
const resolveInRepo = (realRoot: string, relative: string): Resolution => {
  const absolute = path.join(realRoot, relative);
  let real: string;
  try {
    real = fs.realpathSync(absolute);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ELOOP') return { kind: 'refused', problem: 'is a symlink loop', fix: `fix the link, or ${LEAVE_OUT}` };
    if (code !== 'ENOENT' && code !== 'ENOTDIR')
      return { kind: 'refused', problem: `cannot be read (${code ?? (error as Error).message})`, fix: LEAVE_OUT };
    return resolveAbsent(realRoot, relative);
  }
  const inside = toPosix(path.relative(realRoot, real));
  if (isOutside(inside)) {
    return {
      kind: 'refused',
      problem: `leads outside the repository through a symlink (to ${real})`,
      fix: `agents only see and edit files inside it, so ${LEAVE_OUT}`,
    };
  }
  if (isGit(inside)) return { kind: 'refused', problem: 'leads into .git through a symlink', fix: LEAVE_OUT };
  const stat = fs.statSync(real);
  if (stat.isDirectory()) return { kind: 'folder', relative: inside };
  if (stat.isFile()) return { kind: 'file', relative: inside };
  return { kind: 'refused', problem: 'is not a regular file (a fifo, device or socket)', fix: LEAVE_OUT };
};

/** A path that does not exist: a broken link, or a new file whose nearest existing folder must be inside. */
const resolveAbsent = (realRoot: string, relative: string): Resolution => {
  const absolute = path.join(realRoot, relative);
  const link = readLink(absolute);
  if (link !== undefined) {
    return {
      kind: 'refused',
      problem: `is a broken symlink (to ${link}, which does not exist)`,
      fix: `fix or remove the link, or ${LEAVE_OUT}`,
    };
  }
  const parentRelative = toPosix(path.dirname(relative));
  if (parentRelative === '.' || parentRelative === '') return { kind: 'absent', relative };
  const parent = resolveInRepo(realRoot, parentRelative);
  if (parent.kind === 'refused') return parent;
  if (parent.kind === 'file') return { kind: 'refused', problem: `names a file (${parent.relative}) as a folder`, fix: LEAVE_OUT };
  const name = path.basename(relative);
  return { kind: 'absent', relative: parent.relative ? `${parent.relative}/${name}` : name };
};

const readLink = (file: string): string | undefined => {
  try {
    return fs.readlinkSync(file);
  } catch {
    return undefined;
  }
};

const missingFromCheckout = (relative: string): Refusal => ({
  problem: 'is tracked but missing from the checkout (deleted and not committed)',
  fix: `restore it with \`git checkout -- ${relative}\`, or ${LEAVE_OUT}`,
});

interface Checked {
  files: string[];
  refused: PathRefusal[];
}

/**
 * Turns user- or model-given paths into repo-relative tracked files, checked through the
 * real filesystem: a folder stands for the tracked files under it, a symlink for the file it
 * leads to. With allowMissing, a path that does not exist is a new file aider may create.
 */
const checkPaths = (root: string, paths: readonly string[], tracked: readonly string[], allowMissing: boolean): Checked => {
  const realRoot = fs.realpathSync(root);
  const trackedSet = new Set(tracked);
  const files = new Set<string>();
  const refused: PathRefusal[] = [];

  /** One tracked file found under a folder that was named. */
  const addMember = (member: string, folder: string) => {
    const resolved = resolveInRepo(realRoot, member);
    const shown = `${member} (in ${folder})`;
    if (resolved.kind === 'file' && trackedSet.has(resolved.relative)) files.add(resolved.relative);
    else if (resolved.kind === 'file')
      refused.push({ path: shown, problem: `leads to ${resolved.relative}, which is not committed`, fix: LEAVE_OUT });
    else if (resolved.kind === 'absent') refused.push({ path: shown, ...missingFromCheckout(member) });
    else if (resolved.kind === 'refused') refused.push({ path: shown, problem: resolved.problem, fix: resolved.fix });
    // A tracked link to a folder: that folder's own files are named by their real paths.
  };

  const addFolder = (folder: string, given: string) => {
    const prefix = folder === '' ? '' : `${folder}/`;
    tracked.filter((file) => file.startsWith(prefix)).forEach((file) => addMember(file, given));
  };

  for (const given of paths) {
    const absolute = path.resolve(root, given);
    const relative = toPosix(path.relative(root, absolute));
    if (relative === '' || relative === '.') {
      addFolder('', given);
      continue;
    }
    if (isOutside(relative)) {
      refused.push({ path: given, problem: `is outside the repository ${root}`, fix: 'name files inside it' });
      continue;
    }
    if (isGit(relative)) {
      refused.push({ path: given, problem: 'is inside .git', fix: 'name the files agents should edit' });
      continue;
    }
    let resolved = resolveInRepo(realRoot, relative);
    const trackedBelow = tracked.some((file) => file.startsWith(`${relative}/`));
    if (resolved.kind === 'absent' && (trackedSet.has(relative) || trackedBelow))
      resolved = { kind: 'refused', ...missingFromCheckout(relative) };
    switch (resolved.kind) {
      case 'refused':
        refused.push({ path: given, problem: resolved.problem, fix: resolved.fix });
        break;
      case 'folder':
        addFolder(resolved.relative, given);
        break;
      case 'file':
        if (trackedSet.has(resolved.relative)) files.add(resolved.relative);
        else
          refused.push({
            path: given,
            problem: 'is not committed',
            fix: 'agents work from the last commit, so commit it first (or leave it out of --files)',
          });
        break;
      case 'absent':
        if (allowMissing)
          files.add(resolved.relative); // a new file the agent will create
        else refused.push({ path: given, problem: `does not exist in ${root}`, fix: 'check the path given to --files' });
        break;
    }
  }
  return { files: [...files].sort(), refused };
};

/** One line for a refused path: `<path> <problem>: <fix>`. */
export const describeRefusal = (refusal: PathRefusal): string => `${refusal.path} ${refusal.problem}: ${refusal.fix}`;

/**
 * The user's --files as repo-relative tracked files. Anything that leads outside the repo
 * (a symlink, a symlinked folder), a broken link, a tracked file deleted from the checkout,
 * an uncommitted or missing file is refused with one line (UserError), before anything is spent.
 */
export const validatePaths = async (
  root: string,
  paths: readonly string[],
  tracked: readonly string[],
  options: { allowMissing?: boolean } = {},
): Promise<string[]> => {
  const { files, refused } = checkPaths(root, paths, tracked, options.allowMissing === true);
  const [first] = refused;
  if (first) throw new UserError(describeRefusal(first));
  return files;
};

/**
 * The files of a plan the model proposed. The PRD is paid for by now, so a path that cannot
 * be used (outside the repo, through a symlink that leaves it, a broken link) is dropped from
 * the plan and reported, rather than ending the run; new files are allowed, aider creates them.
 */
export const plannedPaths = (root: string, paths: readonly string[], tracked: readonly string[]): Checked =>
  checkPaths(root, paths, tracked, true);

/** A plan the agents can run: numbered 1..n without gaps, within the limit, each with work. */
export const validatePlan = (plan: Plan, maxTasks: number): void => {
  if (plan.tasks.length === 0) throw new UserError('the plan has no agents: add one (+) before starting');
  if (plan.tasks.length > maxTasks) {
    throw new UserError(`the plan has ${plan.tasks.length} agents, more than the limit of ${maxTasks}: remove some (-)`);
  }
  plan.tasks.forEach((task, index) => {
    if (task.agent !== index + 1) throw new Error(`plan agents must be numbered 1..n in order (got ${task.agent} at ${index + 1})`);
    if (!task.description.trim() && task.files.length === 0) {
      throw new UserError(`agent ${task.agent} has neither a task nor files: give it files or remove it`);
    }
    if (new Set(task.files).size !== task.files.length) throw new Error(`agent ${task.agent} has a file twice`);
  });
};
