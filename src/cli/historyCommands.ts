import fs from 'node:fs';
import path from 'node:path';
import { readEnvironment, settingsFromEnv } from '../config/env.js';
import { resolveSettings } from '../config/resolve.js';
import { openConfigStore } from '../config/store.js';
import { UserError } from '../errors.js';
import { isTrackedByGit } from '../git/repo.js';
import type { RunSummary } from '../logs/types.js';
import { resumeRun } from '../orchestrator/createRun.js';
import { RunHistory } from '../orchestrator/history.js';
import { isRunning } from '../orchestrator/processIdentity.js';
import { runHeadless } from './headless.js';
import { runInTui } from './tui.js';
import { formatCount } from '../logs/format.js';
import { formatSummaryTable } from './summaryTable.js';

/**
 * The run history of the data folder the settings name (config, environment). A damaged
 * database is moved aside with a warning line, and an empty one is used.
 */
export const openHistory = async (): Promise<RunHistory> => {
  const env = await readEnvironment({ dirs: [process.cwd()], env: process.env, isRepoData: isTrackedByGit });
  const settings = resolveSettings({ stored: openConfigStore().read(), env: settingsFromEnv(env) });
  return RunHistory.inDataDir(settings.dataDir, { warn: (message) => process.stderr.write(`warning: ${message}\n`) });
};

const pad = (text: string, width: number) => (text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width));

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

/** `aider-orchestrator resume [run]`: continue an unfinished run, in the TUI or headless. */
export const resumeCommand = async (runId: string | undefined, options: { headless?: boolean; trustRepo?: boolean }): Promise<number> => {
  const headless = options.headless === true || !process.stdout.isTTY || !process.stdin.isTTY;
  const warnings: string[] = [];
  const run = await resumeRun({
    runId,
    cwd: process.cwd(),
    env: process.env,
    terminalSize: headless ? { cols: 120, rows: 40 } : { cols: process.stdout.columns ?? 120, rows: process.stdout.rows ?? 40 },
    warn: (message) => (headless ? process.stderr.write(`warning: ${message}\n`) : warnings.push(message)),
    trustRepo: options.trustRepo === true,
    keepIdleSessions: !headless,
  });
  if (headless) return runHeadless(run);
  return runInTui(run, { warnings, yes: true });
};
