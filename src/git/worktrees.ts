import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { git, GitError } from './exec.js';
import { copyIncludedFiles, excludeFromCommits, WORKTREE_INCLUDE } from './worktreeInclude.js';

export const agentBranchName = (runId: string, agent: number): string => `aider-orchestrator/${runId}/agent-${agent}`;

export interface WorktreeRequest {
  /** The user's repository root. */
  root: string;
  /** Where the worktree goes (outside the user's working tree). */
  path: string;
  /** New branch created at `base`. */
  branch: string;
  base: string;
}

export const branchExists = async (root: string, branch: string): Promise<boolean> => {
  try {
    await git(root, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`]);
    return true;
  } catch (error) {
    if (error instanceof GitError) return false;
    throw error;
  }
};

const exists = (file: string): boolean => {
  try {
    return fs.lstatSync(file, { throwIfNoEntry: false }) !== undefined;
  } catch {
    return false; // ENOTDIR: a parent is a file
  }
};

/** Removes a worktree folder, locked or not (the branch, if any, stays with its commits). */
export const removeWorktree = (root: string, worktree: string): Promise<string> =>
  git(root, ['worktree', 'remove', '--force', '--force', worktree]);

/** What a failed workspace operation left, in one line: git's own words, or the system's. */
export const failureReason = (error: unknown): string =>
  error instanceof GitError
    ? (error.stderr.trim().split('\n').at(-1) ?? '').replace(/^(fatal|error): /, '') || error.message
    : (error as Error).message;

/** The environment refused (disk full, a path that is a file...), as opposed to a bug. */
export const isEnvironmentError = (error: unknown): boolean =>
  error instanceof GitError || typeof (error as NodeJS.ErrnoException | undefined)?.code === 'string';

/**
 * Undoes a worktree operation that failed halfway: git makes the branch before the worktree and
 * leaves it when the worktree cannot be made. Only what was not there before is removed.
 */
const undoWorktree = async (root: string, worktree: string, branch: string, before: { path: boolean; branch: boolean }): Promise<void> => {
  if (!before.path && exists(worktree)) {
    await removeWorktree(root, worktree).catch(() => fs.rmSync(worktree, { recursive: true, force: true }));
  }
  await git(root, ['worktree', 'prune']).catch(() => undefined);
  if (!before.branch && (await branchExists(root, branch))) await git(root, ['branch', '-D', branch]).catch(() => undefined);
};

const workspaceError = (worktree: string, error: unknown): UserError =>
  new UserError(
    `cannot make the worktree ${worktree} (${failureReason(error)}): free space in the data folder, or set AIDER_ORCHESTRATOR_DATA_DIR to a folder that can be written`,
  );

/**
 * A new worktree on a new branch; the user's checkout, index and branch are not touched.
 * When it cannot be made, nothing of it stays (no branch, no folder) and the error is one line.
 */
export const createWorktree = async (request: WorktreeRequest): Promise<void> => {
  const before = { path: exists(request.path), branch: await branchExists(request.root, request.branch) };
  try {
    fs.mkdirSync(path.dirname(request.path), { recursive: true, mode: 0o700 });
    await git(request.root, ['worktree', 'add', '--quiet', '-b', request.branch, request.path, request.base]);
  } catch (error) {
    await undoWorktree(request.root, request.path, request.branch, before);
    throw isEnvironmentError(error) ? workspaceError(request.path, error) : error;
  }
};

/** The worktrees of `root` as git lists them, the main one (the user's checkout) first. */
export const listWorktrees = async (root: string): Promise<string[]> =>
  [...(await git(root, ['worktree', 'list', '--porcelain'])).matchAll(/^worktree (.+)$/gm)].map((match) => match[1]!);

/** A path as git records it, for comparing: symbolic links resolved where the path exists. */
const canonical = (file: string): string => {
  try {
    return fs.realpathSync(file);
  } catch {
    return path.resolve(file);
  }
};

/**
 * The worktrees of a run that git lists for `root`: the ones named (the run history's record) and
 * any inside the run's own folder (prepared ones a killed run left, locked by its dead pid).
 * Nothing git does not list as a worktree of this repository is ever returned.
 */
export const findRunWorktrees = async (root: string, run: { named: readonly string[]; folder: string | undefined }): Promise<string[]> => {
  const named = new Set(run.named.map(canonical));
  const folder = run.folder ? canonical(run.folder) + path.sep : undefined;
  return (await listWorktrees(root))
    .slice(1) // the main worktree: the user's checkout
    .filter((worktree) => named.has(canonical(worktree)) || (folder !== undefined && canonical(worktree).startsWith(folder)));
};

/**
 * Removes worktrees of `root`, locked or not (git's record too when the folder is already gone),
 * then `folder` when it is left empty. Returns what could not be removed, one line each.
 */
export const removeWorktrees = async (root: string, worktrees: readonly string[], folder: string | undefined): Promise<string[]> => {
  const failed: string[] = [];
  for (const worktree of worktrees) {
    try {
      await removeWorktree(root, worktree);
    } catch (error) {
      failed.push(`${worktree} (${failureReason(error)})`);
    }
  }
  await git(root, ['worktree', 'prune']);
  if (folder) await fs.promises.rmdir(folder).catch(() => undefined);
  return failed;
};

/** The lock reason of a prepared worktree: git itself keeps which process it waits for. */
const PREPARED_LOCK = 'aider-orchestrator: prepared by pid';

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Removes prepared worktrees whose app was killed before it could (SIGKILL during the PRD review):
 * locked with PREPARED_LOCK by a process that no longer runs.
 */
export const removeAbandonedWorktrees = async (root: string): Promise<string[]> => {
  const removed: string[] = [];
  const entries = (await git(root, ['worktree', 'list', '--porcelain'])).split('\n\n');
  for (const entry of entries) {
    const worktree = /^worktree (.+)$/m.exec(entry)?.[1];
    const pid = Number(new RegExp(`^locked ${PREPARED_LOCK} (\\d+)$`, 'm').exec(entry)?.[1]);
    if (!worktree || !pid || isAlive(pid)) continue;
    await removeWorktree(root, worktree);
    await fs.promises.rmdir(path.dirname(worktree)).catch(() => undefined);
    removed.push(worktree);
  }
  return removed;
};

/**
 * Agent workspaces made ahead of time, while the user reads the PRD: detached worktrees at the
 * run's base (`<dir>/agent-<n>`), made one after another in the background. An agent then gets
 * a prepared one on its new branch (`git switch -c`, no file written) or, past the prepared ones,
 * a new worktree; `release` removes the ones no agent took. Prepared worktrees are locked with
 * this process's pid, so a later run removes them if this one is killed first. Every worktree
 * operation goes through one queue: `git worktree add/remove` lock the repository's worktree list.
 */
export class WorkspacePool {
  /** Agent → whether its prepared worktree was made. */
  private readonly prepared = new Map<number, Promise<boolean>>();
  /** Agent → the worktree and branch it was given (made by this pool). */
  private readonly acquired = new Map<number, { worktree: string; branch: string }>();
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private swept = false;

  /** Problems with `.worktreeinclude` files already reported (once per file, not per worktree). */
  private readonly reported = new Set<string>();

  constructor(
    private readonly options: {
      root: string;
      base: string;
      dir: string;
      /** Files of the user's checkout each new worktree gets a copy of (`.worktreeinclude`, checked by listWorktreeIncludes). */
      include?: readonly string[] | undefined;
      /** One line for the user when a file cannot be copied or kept out of commits (the worktree is used all the same). */
      warn?: (message: string) => void;
    },
  ) {}

  pathOf(agent: number): string {
    return path.join(this.options.dir, `agent-${agent}`);
  }

  /** Starts preparing workspaces for agents 1..count. A failure only costs the head start. */
  prepare(count: number): void {
    if (!this.swept) {
      this.swept = true;
      void this.enqueue(() => removeAbandonedWorktrees(this.options.root)).catch(() => undefined);
    }
    for (let agent = 1; agent <= count; agent += 1) {
      if (this.prepared.has(agent) || this.closed) continue;
      this.prepared.set(
        agent,
        this.enqueue(async () => {
          if (this.closed) return false;
          fs.mkdirSync(this.options.dir, { recursive: true, mode: 0o700 });
          await git(this.options.root, [
            'worktree',
            'add',
            '--quiet',
            '--detach',
            '--lock',
            '--reason',
            `${PREPARED_LOCK} ${process.pid}`,
            this.pathOf(agent),
            this.options.base,
          ]);
          await this.furnish(this.pathOf(agent));
          return true;
        }).catch(() => false),
      );
    }
  }

  /** The prepared worktree of `agent` once it is made; undefined when none was asked for or it failed. */
  async preparedPath(agent: number): Promise<string | undefined> {
    const made = this.prepared.get(agent);
    return made && (await made) && this.prepared.has(agent) ? this.pathOf(agent) : undefined;
  }

  /** Resolves once every workspace asked for so far is prepared (or has failed to be). */
  async whenPrepared(): Promise<void> {
    await Promise.all(this.prepared.values());
  }

  /**
   * The agent's worktree on its new branch at the base: a prepared one if there is one. When it
   * cannot be made, nothing of it stays and the error is one line (UserError).
   */
  async acquire(agent: number, branch: string): Promise<string> {
    const { root, base } = this.options;
    const worktree = this.pathOf(agent);
    const prepared = this.prepared.get(agent);
    this.prepared.delete(agent);
    if (prepared && (await prepared)) {
      const before = { path: false, branch: await branchExists(root, branch) };
      try {
        await git(worktree, ['worktree', 'unlock', worktree]);
        await git(worktree, ['switch', '--quiet', '-c', branch]);
      } catch (error) {
        await this.enqueue(() => undoWorktree(root, worktree, branch, before));
        throw isEnvironmentError(error) ? workspaceError(worktree, error) : error;
      }
    } else {
      await this.enqueue(async () => {
        await createWorktree({ root, path: worktree, branch, base });
        await this.furnish(worktree);
      });
    }
    this.acquired.set(agent, { worktree, branch });
    return worktree;
  }

  /**
   * Undoes the whole workspace step (one workspace could not be made): removes the worktrees and
   * branches given to agents so far (they have no commits yet), and the prepared ones.
   */
  async discard(): Promise<void> {
    const given = [...this.acquired.values()];
    this.acquired.clear();
    for (const { worktree, branch } of given) {
      await this.enqueue(() => undoWorktree(this.options.root, worktree, branch, { path: false, branch: false }));
    }
    await this.release();
    await fs.promises.rmdir(this.options.dir).catch(() => undefined);
  }

  /** Stops preparing and removes the prepared worktrees no agent took. */
  async release(): Promise<void> {
    this.closed = true;
    const unused = [...this.prepared.entries()];
    this.prepared.clear();
    for (const [agent, made] of unused) {
      if (await made) await this.enqueue(() => removeWorktree(this.options.root, this.pathOf(agent))).catch(() => undefined);
    }
    // The run's folder too, when no agent has a worktree in it (rmdir refuses a non-empty one).
    if (unused.length > 0) await fs.promises.rmdir(this.options.dir).catch(() => undefined);
  }

  /** Copies the `.worktreeinclude` files into a new worktree and keeps them out of its commits. */
  private async furnish(worktree: string): Promise<void> {
    const include = this.options.include ?? [];
    if (include.length === 0) return;
    const report = (key: string, message: string) => {
      if (this.reported.has(key)) return;
      this.reported.add(key);
      this.options.warn?.(message);
    };
    const { copied, refused } = copyIncludedFiles(this.options.root, worktree, include);
    for (const { path: file, problem } of refused) report(file, `${WORKTREE_INCLUDE}: ${file} ${problem}; not copied`);
    try {
      await excludeFromCommits(this.options.root, worktree, copied);
    } catch (error) {
      // What cannot be kept out of the agents' commits is not left in their worktree.
      for (const file of copied) fs.rmSync(path.join(worktree, file), { force: true });
      report(
        '(exclude)',
        `${WORKTREE_INCLUDE}: cannot keep the copied files out of the agents' commits (${failureReason(error)}), so none is copied; add them to your .gitignore`,
      );
    }
  }

  private enqueue<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.queue.then(operation);
    this.queue = result.catch(() => undefined);
    return result;
  }
}
