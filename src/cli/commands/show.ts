import type { Command } from 'commander';
import fs from 'node:fs';
import { UserError } from '../../errors.js';
import { formatCount } from '../../logs/format.js';
import type { RunSummary } from '../../logs/types.js';
import { isRunning } from '../../orchestrator/processIdentity.js';
import { openHistory, pad } from '../history.js';
import { formatSummaryTable } from '../summaryTable.js';
import type { CommandContext } from './command.js';

export const registerShow = (program: Command, context: CommandContext): Command =>
  program
    .command('show')
    .argument('<run>', 'run id (see `runs`)')
    .description("print a run's summary")
    .action(async (runId: string) => context.exit(await showCommand(runId)));

/**
 * The summary table of the file the history names, or undefined (with a warning line) when it is
 * missing, is not JSON, or is not the summary of this run: the file sits in the repository, and
 * anything may have replaced it. The history's own record is shown instead.
 */
const summaryTableOf = (file: string, runId: string): string | undefined => {
  if (!fs.existsSync(file)) return undefined;
  try {
    const summary = JSON.parse(fs.readFileSync(file, 'utf8')) as RunSummary;
    if (summary?.runId !== runId || !Array.isArray(summary.agents) || typeof summary.totals !== 'object')
      throw new Error(`it is not the summary of run ${runId}`);
    return formatSummaryTable(summary);
  } catch (error) {
    process.stderr.write(`warning: cannot read the summary ${file} (${(error as Error).message}); showing the run history's record\n`);
    return undefined;
  }
};

/** `aider-orchestrator show <run>`: the run's summary table (or, for an unfinished run, its agents so far). */
export const showCommand = async (runId: string): Promise<number> => {
  const h = await openHistory();
  const run = h.getRun(runId);
  if (!run) throw new UserError(`no run ${runId} in the history (${h.file}): see \`aider-orchestrator runs\``);
  const status =
    run.status !== 'running'
      ? run.status
      : run.owner && isRunning(run.owner)
        ? `running (process ${run.owner.pid})`
        : 'unfinished (resume it with `aider-orchestrator resume`)';
  process.stdout.write(`run ${run.id} · ${status}\nrepo ${run.repo}\nchange ${run.change}\n\n`);
  const table = run.summaryPath ? summaryTableOf(run.summaryPath, run.id) : undefined;
  if (table) {
    process.stdout.write(`${table}\n`);
  } else {
    for (const agent of h.agentsOf(run.id)) {
      process.stdout.write(
        `agent ${agent.task.agent}  ${pad(agent.state, 10)} ${agent.usage.iterations} iterations  ${formatCount(agent.usage.tokens.total)} tokens  ${agent.branch}${agent.reason ? `  (${agent.reason})` : ''}\n`,
      );
    }
  }
  for (const pr of h.pullRequestsOf(run.id)) process.stdout.write(`pull request #${pr.number} ${pr.url} (${pr.branch})\n`);
  return 0;
};
