import type { Command } from 'commander';
import { UserError } from '../../errors.js';
import { describeMerge, mergeExitCode } from '../../orchestrator/merge.js';
import { mergeRecordedRun } from '../../orchestrator/mergeRecordedRun.js';
import { findRun, type RunFilesOptions, repositoryGone } from '../history.js';
import type { CommandContext } from './command.js';

export interface MergeOptions extends RunFilesOptions {
  resolve?: boolean;
  /** false with --no-check. */
  check?: boolean;
  trustRepo?: boolean;
}

export const registerMerge = (program: Command, context: CommandContext): Command =>
  program
    .command('merge')
    .argument('[run]', 'run id (default: the latest run of this repository)')
    .description(
      "merge the succeeded agents' branches (one per task: its winner) into aider-orchestrator/<run>/merged, off the run's base (your branch is not touched), then run the run's check command on it; exit 1 when a branch is left out or the check fails",
    )
    .option('--repo <path>', 'the repository (default: the current one)')
    .option(
      '--resolve',
      "resolve a conflicting branch with an aider session (the run's model), then merge it; merges into an existing integration branch",
    )
    .option('--no-check', "do not run the run's check command on the integration branch")
    .option('--trust-repo', "let the repository's tracked aider settings apply, as for the run")
    .action(async (runId: string | undefined, options: MergeOptions) => context.exit(await mergeCommand(runId, options)));

/**
 * `aider-orchestrator merge [run]`: exit 0 when every succeeded agent merged and the check (if
 * any) passed on the integration branch, 1 when a branch is left out or the check fails.
 */
export const mergeCommand = async (runId: string | undefined, options: MergeOptions): Promise<number> => {
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
