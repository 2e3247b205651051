import fs from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Settings } from '../config/settings.js';
import { UserError } from '../errors.js';
import { git, GitError } from '../git/exec.js';
import { findRepoRoot } from '../git/repo.js';
import { failureReason, findRunWorktrees, removeWorktrees } from '../git/worktrees.js';
import { liveRunError, type AgentRecord, type RunHistory, type RunRecord } from '../orchestrator/history.js';
import { describeMerge, mergeExitCode } from '../orchestrator/merge.js';
import { mergeRecordedRun } from '../orchestrator/mergeRecordedRun.js';
import { openHistory } from './historyCommands.js';

export interface RunFilesOptions {
  repo?: string;
}

interface FoundRun {
  run: RunRecord;
  agents: AgentRecord[];
  history: RunHistory;
}

/**
 * Run `runId`, or the latest run of the repository in the cwd (or --repo), from the run history:
 * which repository, worktrees and branches a run made is what the history recorded as it made
 * them, never what a file in a repository says. The run is taken over by this process (so no
 * `resume` starts on it meanwhile), and refused while another process still drives it.
 */
export const findRun = async (runId: string | undefined, options: RunFilesOptions): Promise<FoundRun> => {
  const given = options.repo ? await findRepoRoot(path.resolve(options.repo)) : undefined;
  const history = await openHistory();
  let run: RunRecord | undefined;
  if (runId) {
    run = history.getRun(runId);
    if (!run) throw new UserError(`no run ${runId} in the history (${history.file}): see \`aider-orchestrator runs\``);
    if (given && given !== run.repo)
      throw new UserError(`run ${runId} was made in ${run.repo}, not in ${given}: leave out --repo, or name a run of ${given}`);
  } else {
    const root = given ?? (await findRepoRoot(process.cwd()));
    run = history.latestRun(root);
    if (!run)
      throw new UserError(
        `no run of ${root} in the history (${history.file}): name a run (see \`aider-orchestrator runs\`), or cd into the repository it ran on`,
      );
  }
  const owner = history.claimRun(run.id);
  if (owner) throw liveRunError(run.id, owner);
  return { run, agents: history.agentsOf(run.id), history };
};

export const repositoryGone = (run: RunRecord): boolean => !fs.existsSync(path.join(run.repo, '.git'));

/**
 * `aider-orchestrator merge [run]`: exit 0 when every succeeded agent merged and the check (if
 * any) passed on the integration branch, 1 when a branch is left out or the check fails.
 */
export const mergeCommand = async (
  runId: string | undefined,
  options: RunFilesOptions & { resolve?: boolean; check?: boolean; trustRepo?: boolean },
): Promise<number> => {
  const { run, agents } = await findRun(runId, options);
  if (repositoryGone(run)) throw new UserError(`the repository ${run.repo} of run ${run.id} is gone: nothing to merge into`);
  process.stderr.write(
    `Merging run ${run.id} (base ${run.baseCommit.slice(0, 7)})${run.status === 'running' ? ', which did not finish' : ''}${options.resolve ? ', conflicts resolved by an agent' : ''}...\n`,
  );
  const report = await mergeRecordedRun(run, agents, {
    resolve: options.resolve === true,
    check: options.check !== false,
    trustRepo: options.trustRepo === true,
    cwd: process.cwd(),
    env: process.env,
    warn: (message) => process.stderr.write(`warning: ${message}\n`),
    onProgress: (line) => process.stderr.write(`  ${line}\n`),
  });
  for (const line of describeMerge(report)) process.stdout.write(`${line}\n`);
  return mergeExitCode(report);
};

export const confirm = async (question: string, yes: boolean | undefined): Promise<boolean> => {
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
export const cleanCommand = async (
  runId: string | undefined,
  options: RunFilesOptions & { branches?: boolean; yes?: boolean },
): Promise<number> => {
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
