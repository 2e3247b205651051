import type { Settings } from '../config/settings.js';
import { Redactor } from '../logs/redact.js';
import { recordMergeInSummary } from '../logs/summary.js';
import { mergeEnvironment } from './createRun.js';
import type { AgentRecord, RunRecord } from './history.js';
import { attemptsByAgent } from '../plan/attempts.js';
import { mergeOptionsFor, mergeRecord, mergeRun, type MergeReport } from './merge.js';

export interface RecordedMergeRequest {
  /** --resolve: conflicts go to an agent (the run's aider and model). */
  resolve: boolean;
  /** false with --no-check: the run's check command is not run on the integration branch. */
  check: boolean;
  trustRepo: boolean;
  cwd: string;
  env: NodeJS.ProcessEnv;
  warn(message: string): void;
  onProgress(line: string): void;
}

/**
 * `merge` of a run the history recorded: its succeeded branches into the integration branch,
 * conflicts resolved by an agent with `resolve`, then the run's check command; the merge is
 * added to the run's summary file when that is still the run's.
 */
export const mergeRecordedRun = async (
  run: RunRecord,
  agents: readonly AgentRecord[],
  request: RecordedMergeRequest,
): Promise<MergeReport> => {
  const stored = JSON.parse(run.settingsJson) as Partial<Settings>;
  const needsEnvironment = request.resolve || (request.check && !!stored.checkCommand);
  const environment = needsEnvironment
    ? await mergeEnvironment(run, {
        cwd: request.cwd,
        env: request.env,
        warn: request.warn,
        aider: request.resolve,
        trustRepo: request.trustRepo,
      })
    : undefined;
  const attempts = attemptsByAgent(agents.map((agent) => agent.task));
  const report = await mergeRun(
    {
      runId: run.id,
      repo: run.repo,
      baseCommit: run.baseCommit,
      prdPath: run.prdPath,
      agents: agents.map((agent) => {
        const attempt = attempts.get(agent.task.agent);
        return {
          id: agent.task.agent,
          branch: agent.branch,
          status: agent.state,
          task: attempt && attempt.of > 1 ? attempt.task : undefined,
          winner: agent.winner,
          brief: `${agent.task.title}\n\n${agent.task.description}`.trim(),
        };
      }),
    },
    request.onProgress,
    environment ? mergeOptionsFor(run.id, environment.settings, environment, request) : {},
  );
  if (run.summaryPath) {
    // Without a check there is no output in the record: only branch names and files.
    const redactor = environment?.redactor ?? new Redactor([]);
    if (!safely(() => recordMergeInSummary(run.summaryPath!, run.id, mergeRecord(report), redactor)))
      request.warn(`the merge is not recorded in the summary ${run.summaryPath} (it is missing, or not this run's)`);
  }
  return report;
};

const safely = (write: () => boolean): boolean => {
  try {
    return write();
  } catch {
    return false;
  }
};
