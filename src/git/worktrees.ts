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

/** Removes a worktree folder (the branch stays with its commits). */
export const removeWorktree = async (root: string, worktree: string): Promise<void> => {
  await git(root, ['worktree', 'remove', '--force', worktree]);
};

/**
 * Agent workspaces made ahead of time, while the user reads the PRD: detached worktrees at the
 * run's base (`<dir>/agent-<n>`), made one after another in the background. An agent then gets
 * a prepared one on its new branch (`git switch -c`, no file written) or, past the prepared ones,
 * a new worktree; `release` removes the ones no agent took. Every worktree operation goes through
 * one queue: `git worktree add/remove` lock the repository's worktree list.
 */
export class WorkspacePool {
  /** Agent → whether its prepared worktree was made. */
  private readonly prepared = new Map<number, Promise<boolean>>();
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly options: { root: string; base: string; dir: string }) {}

  pathOf(agent: number): string {
    return path.join(this.options.dir, `agent-${agent}`);
  }

  /** Starts preparing workspaces for agents 1..count. A failure only costs the head start. */
  prepare(count: number): void {
    for (let agent = 1; agent <= count; agent += 1) {
      if (this.prepared.has(agent) || this.closed) continue;
      this.prepared.set(
        agent,
        this.enqueue(async () => {
          if (this.closed) return false;
          fs.mkdirSync(this.options.dir, { recursive: true });
          await git(this.options.root, ['worktree', 'add', '--quiet', '--detach', this.pathOf(agent), this.options.base]);
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
