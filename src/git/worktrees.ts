import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { git } from './exec.js';

const pad = (n: number) => String(n).padStart(2, '0');

/** `YYYYMMDD-HHMMSS-<4 hex>` in local time: sortable, readable, unique enough for two runs a second. */
export const newRunId = (now: Date = new Date()): string =>
  `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}-${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}-${crypto.randomBytes(2).toString('hex')}`;

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

/** A new worktree on a new branch; the user's checkout, index and branch are not touched. */
export const createWorktree = async (request: WorktreeRequest): Promise<void> => {
  fs.mkdirSync(path.dirname(request.path), { recursive: true });
  await git(request.root, ['worktree', 'add', '--quiet', '-b', request.branch, request.path, request.base]);
};

/** Removes a worktree folder, locked or not (the branch, if any, stays with its commits). */
const removeWorktree = (root: string, worktree: string): Promise<string> => git(root, ['worktree', 'remove', '--force', '--force', worktree]);

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
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private swept = false;

  constructor(private readonly options: { root: string; base: string; dir: string }) {}

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
          fs.mkdirSync(this.options.dir, { recursive: true });
          await git(this.options.root, ['worktree', 'add', '--quiet', '--detach', '--lock', '--reason', `${PREPARED_LOCK} ${process.pid}`, this.pathOf(agent), this.options.base]);
          return true;
        }).catch(() => false),
      );
    }
  }

  /** Resolves once every workspace asked for so far is prepared (or has failed to be). */
  async whenPrepared(): Promise<void> {
    await Promise.all(this.prepared.values());
  }

  /** The agent's worktree on its new branch at the base: a prepared one if there is one. */
  async acquire(agent: number, branch: string): Promise<string> {
    const worktree = this.pathOf(agent);
    const prepared = this.prepared.get(agent);
    this.prepared.delete(agent);
    if (prepared && (await prepared)) {
      await git(worktree, ['worktree', 'unlock', worktree]);
      await git(worktree, ['switch', '--quiet', '-c', branch]);
      return worktree;
    }
    await this.enqueue(() => createWorktree({ root: this.options.root, path: worktree, branch, base: this.options.base }));
    return worktree;
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

  private enqueue<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.queue.then(operation);
    this.queue = result.catch(() => undefined);
    return result;
  }
}
