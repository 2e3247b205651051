import type { Command } from 'commander';
import path from 'node:path';
import type { Settings } from '../../config/settings.js';
import { UserError } from '../../errors.js';
import { GitError, git } from '../../git/exec.js';
import { failureReason, findRunWorktrees, removeWorktrees } from '../../git/worktrees.js';
import type { AgentRecord, RunRecord } from '../../orchestrator/history.js';
import { findRun, type RunFilesOptions, repositoryGone } from '../history.js';
import type { CommandContext } from './command.js';

interface CleanOptions extends RunFilesOptions {
  branches?: boolean;
  yes?: boolean;
}

export const registerClean = (program: Command, context: CommandContext): Command =>
  program
    .command('clean')
    .argument('[run]', 'run id (default: the latest run of this repository)')
    .description("remove a run's agent worktrees (asks first)")
    .option('--branches', 'also delete the agent branches')
    .option('-y, --yes', 'do not ask')
    .option('--repo <path>', 'the repository (default: the current one)')
    .action(async (runId: string | undefined, options: CleanOptions) => context.exit(await cleanCommand(runId, options)));

export const confirm = async (question: string, yes: boolean | undefined): Promise<boolean> => {
  if (yes) return true;
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new UserError(`${question.replace(/\?$/, '')} needs a confirmation, and there is no terminal to ask: pass --yes`);
  }
  // Loaded when a question is asked: most runs of the CLI never read a line.
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
};

const count = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/**
 * The branches `clean --branches` may delete: named `aider-orchestrator/<run>/...`, recorded by
 * the history as this run's agents' branches, and present in the run's repository.
 */
const runBranches = async (run: RunRecord, agents: readonly AgentRecord[]): Promise<string[]> => {
  const prefix = `aider-orchestrator/${run.id}/`;
  const recorded = new Set(agents.map((agent) => agent.branch).filter((branch) => branch.startsWith(prefix)));
  const present = (await git(run.repo, ['for-each-ref', '--format=%(refname:short)', `refs/heads/${prefix}`])).split('\n');
  return present.filter((branch) => recorded.has(branch));
};

/**
 * `aider-orchestrator clean [run]`: removes the run's worktrees (and with --branches its agent
 * branches), as the history recorded them; works for a run that was killed. Exit 1 when
 * something could not be removed (each named on a line).
 */
export const cleanCommand = async (runId: string | undefined, options: CleanOptions): Promise<number> => {
  const { run, agents } = await findRun(runId, options);
  const dataDir = (JSON.parse(run.settingsJson) as Partial<Settings>).dataDir;
  // The run's own folder of worktrees: the agents' ones, and prepared ones a killed run left locked.
  const folder = dataDir ? path.join(dataDir, 'worktrees', run.id) : undefined;
  if (repositoryGone(run)) {
    throw new UserError(
      `the repository ${run.repo} of run ${run.id} is gone, and its branches with it: delete ${folder ?? 'its worktrees'} by hand if still there`,
    );
  }
  const worktrees = await findRunWorktrees(run.repo, { named: agents.map((agent) => agent.worktree), folder });
  const branches = options.branches ? await runBranches(run, agents) : [];
  const what = (worktreeCount: number, branchCount: number) =>
    `${count(worktreeCount, 'worktree', 'worktrees')}${options.branches ? ` and ${count(branchCount, 'branch', 'branches')}` : ''} of run ${run.id}`;
  if (!(await confirm(`Remove the ${what(worktrees.length, branches.length)} (in ${run.repo})?`, options.yes))) {
    process.stderr.write('nothing removed\n');
    return 130;
  }
  const keptWorktrees = await removeWorktrees(run.repo, worktrees, folder);
  const keptBranches: string[] = [];
  for (const branch of branches) {
    await git(run.repo, ['branch', '-D', branch]).catch((error: unknown) => {
      if (!(error instanceof GitError)) throw error;
      keptBranches.push(`branch ${branch} (${failureReason(error)})`);
    });
  }
  for (const line of [...keptWorktrees, ...keptBranches]) process.stderr.write(`could not remove ${line}\n`);
  process.stdout.write(`removed the ${what(worktrees.length - keptWorktrees.length, branches.length - keptBranches.length)}\n`);
  return keptWorktrees.length + keptBranches.length > 0 ? 1 : 0;
};
