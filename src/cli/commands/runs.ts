import type { Command } from 'commander';
import path from 'node:path';
import { openHistory, pad } from '../history.js';
import { type CommandContext, positiveInt } from './command.js';

export const registerRuns = (program: Command, context: CommandContext): Command =>
  program
    .command('runs')
    .description('list the latest runs (all repositories), newest first')
    .option('-n, --limit <n>', 'how many', positiveInt('--limit', 1000))
    .action(async (options: { limit?: number }) => context.exit(await runsCommand(options)));

/** Width of the `runs` columns before the change text (run, started, status, agents, cost, repo). */
const FIXED_COLUMNS = 22 + 17 + 10 + 16 + 9 + 18 + 6;

/**
 * A change text as one line of at most `width` characters: line breaks and runs of blanks
 * become one space, control characters (terminal escapes) are dropped, the rest is cut with `…`.
 */
export const oneLine = (text: string, width: number): string => {
  const flat = text
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing terminal escapes is the point
    .replace(/\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(\u0007|\u001b\\)?/g, '') // CSI and OSC sequences
    .replace(/\s+/g, ' ')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, '')
    .trim();
  return flat.length > width ? `${flat.slice(0, Math.max(0, width - 1))}…` : flat;
};

/** Room for the change in a `runs` line: what the terminal has left, at least 20; 60 when not a terminal. */
const changeWidth = (): number => (process.stdout.isTTY ? Math.max(20, (process.stdout.columns ?? 80) - FIXED_COLUMNS - 1) : 60);

/** `aider-orchestrator runs`: the newest runs, one line each. */
export const runsCommand = async (options: { limit?: number }): Promise<number> => {
  const h = await openHistory();
  const runs = h.listRuns(options.limit ?? 20);
  if (runs.length === 0) {
    process.stdout.write('no runs yet\n');
    return 0;
  }
  const width = changeWidth();
  process.stdout.write(
    `${pad('run', 22)} ${pad('started', 17)} ${pad('status', 10)} ${pad('agents', 16)} ${pad('cost', 9)} ${pad('repo', 18)} change\n`,
  );
  for (const run of runs) {
    const counts = h.agentCounts(run.id);
    process.stdout.write(
      `${pad(run.id, 22)} ${pad(run.startedAt.slice(0, 16).replace('T', ' '), 17)} ${pad(run.status === 'running' ? 'unfinished' : run.status, 10)} ${pad(`${counts.succeeded} ok ${counts.failed} failed`, 16)} ${pad(`$${run.cost.toFixed(4)}`, 9)} ${pad(path.basename(run.repo), 18)} ${oneLine(run.change, width)}\n`,
    );
  }
  return 0;
};
