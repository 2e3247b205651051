import type { Command } from 'commander';
import { UserError } from '../../errors.js';
import { describeMerge, mergeRun } from '../../orchestrator/merge.js';
import { findRun, type RunFilesOptions, repositoryGone } from '../history.js';
import type { CommandContext } from './command.js';

export const registerMerge = (program: Command, context: CommandContext): Command =>
  program
    .command('merge')
    .argument('[run]', 'run id (default: the latest run of this repository)')
    .description(
      "merge the succeeded agents' branches into aider-orchestrator/<run>/merged, off the run's base (your branch is not touched)",
    )
    .option('--repo <path>', 'the repository (default: the current one)')
    .action(async (runId: string | undefined, options: RunFilesOptions) => context.exit(await mergeCommand(runId, options)));

/** `aider-orchestrator merge [run]`: exit 0 when every succeeded agent merged, 1 with conflicts. */
export const mergeCommand = async (runId: string | undefined, options: RunFilesOptions): Promise<number> => {
  const { run, agents } = await findRun(runId, options);
  if (repositoryGone(run)) throw new UserError(`the repository ${run.repo} of run ${run.id} is gone: nothing to merge into`);
  process.stderr.write(
    `Merging run ${run.id} (base ${run.baseCommit.slice(0, 7)})${run.status === 'running' ? ', which did not finish' : ''}...\n`,
  );
  const result = await mergeRun(
    {
      runId: run.id,
      repo: run.repo,
      baseCommit: run.baseCommit,
      agents: agents.map((agent) => ({ id: agent.task.agent, branch: agent.branch, status: agent.state })),
    },
    (line) => process.stderr.write(`  ${line}\n`),
  );
  for (const line of describeMerge(result)) process.stdout.write(`${line}\n`);
  return result.conflicts.length > 0 ? 1 : 0;
};
