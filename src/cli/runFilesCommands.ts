import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { readEnvironment, settingsFromEnv } from '../config/env.js';
import { resolveSettings } from '../config/resolve.js';
import { openConfigStore } from '../config/store.js';
import { UserError } from '../errors.js';
import { git, GitError } from '../git/exec.js';
import { findRepoRoot, isTrackedByGit } from '../git/repo.js';
import { readSummary } from '../logs/summary.js';
import type { RunSummary } from '../logs/types.js';
import { describeMerge, mergeRun } from '../orchestrator/merge.js';

export interface RunFilesOptions {
  repo?: string;
}

/** The summary of a run of the repo in the cwd (or --repo): `run` id, or the latest. */
const findRun = async (runId: string | undefined, options: RunFilesOptions): Promise<RunSummary> => {
  const root = await findRepoRoot(path.resolve(options.repo ?? process.cwd()));
  const env = await readEnvironment({ dirs: [root, process.cwd()], env: process.env, isRepoData: isTrackedByGit });
  const settings = resolveSettings({ stored: openConfigStore().read(), env: settingsFromEnv(env) });
  return readSummary(path.resolve(root, settings.logDir), runId);
};

/** `aider-orchestrator merge [run]`: exit 0 when every succeeded agent merged, 1 with conflicts. */
export const mergeCommand = async (runId: string | undefined, options: RunFilesOptions): Promise<number> => {
  const summary = await findRun(runId, options);
  process.stderr.write(`Merging run ${summary.runId} (base ${summary.baseCommit.slice(0, 7)})...\n`);
  const result = await mergeRun(summary, (line) => process.stderr.write(`  ${line}\n`));
  for (const line of describeMerge(result)) process.stdout.write(`${line}\n`);
  return result.conflicts.length > 0 ? 1 : 0;
};

const confirm = async (question: string, yes: boolean | undefined): Promise<boolean> => {
  if (yes) return true;
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new UserError(`${question.replace(/\?$/, '')} needs a confirmation, and there is no terminal to ask: pass --yes`);
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
};

/** `aider-orchestrator clean [run]`: removes the run's worktrees (and with --branches its branches). */
export const cleanCommand = async (runId: string | undefined, options: RunFilesOptions & { branches?: boolean; yes?: boolean }): Promise<number> => {
  const summary = await findRun(runId, options);
  const what = `${summary.agents.length} worktree${summary.agents.length === 1 ? '' : 's'}${options.branches ? ' and branches' : ''} of run ${summary.runId}`;
  if (!(await confirm(`Remove the ${what}?`, options.yes))) {
    process.stderr.write('nothing removed\n');
    return 130;
  }
  for (const agent of summary.agents) {
    await git(summary.repo, ['worktree', 'remove', '--force', agent.worktree]).catch((error: unknown) => {
      if (!(error instanceof GitError)) throw error; // already gone
    });
    if (options.branches) {
      await git(summary.repo, ['branch', '-D', agent.branch]).catch((error: unknown) => {
        if (!(error instanceof GitError)) throw error;
      });
    }
  }
  await git(summary.repo, ['worktree', 'prune']);
  process.stdout.write(`removed the ${what}\n`);
  return 0;
};
