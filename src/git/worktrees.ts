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
