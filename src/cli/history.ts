import fs from 'node:fs';
import path from 'node:path';
import { readEnvironment, settingsFromEnv } from '../config/env.js';
import { resolveSettings } from '../config/resolve.js';
import { openConfigStore } from '../config/store.js';
import { UserError } from '../errors.js';
import { findRepoRoot, isTrackedByGit } from '../git/repo.js';
import { type AgentRecord, liveRunError, RunHistory, type RunRecord } from '../orchestrator/history.js';

/**
 * The run history of the data folder the settings name (config, environment). A damaged
 * database is moved aside with a warning line, and an empty one is used.
 */
export const openHistory = async (): Promise<RunHistory> => {
  const env = await readEnvironment({ dirs: [process.cwd()], env: process.env, isRepoData: isTrackedByGit });
  const settings = resolveSettings({ stored: openConfigStore().read(), env: settingsFromEnv(env) });
  return RunHistory.inDataDir(settings.dataDir, { warn: (message) => process.stderr.write(`warning: ${message}\n`) });
};

/** A column of the history listings: cut with `…`, or padded to `width`. */
export const pad = (text: string, width: number) => (text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width));

/** The options of the commands that act on a recorded run (merge, clean). */
export interface RunFilesOptions {
  /** --repo: the repository whose latest run is meant (default: the one in the cwd). */
  repo?: string;
}

export interface FoundRun {
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

/** The run's repository was deleted or moved since the run. */
export const repositoryGone = (run: RunRecord): boolean => !fs.existsSync(path.join(run.repo, '.git'));
