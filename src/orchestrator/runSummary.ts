import fs from 'node:fs';
import type { AgentResult } from '../agents/agent.js';
import { commitsSince, filesChanged } from '../git/commits.js';
import type { AgentLog } from '../logs/agentLog.js';
import type { Redactor } from '../logs/redact.js';
import { buildSummary, summaryPath, type SummaryInput, withSupervisorDecisions, writeSummary } from '../logs/summary.js';
import type { AgentSummary, DecisionRecord, RunSummary } from '../logs/types.js';

/** One agent as the summary sees it once the run has settled. */
export interface SettledAgent {
  readonly id: number;
  readonly branch: string;
  readonly worktree: string;
  readonly title: string;
  readonly description: string;
  readonly files: readonly string[];
  readonly result: AgentResult;
  /** Its JSONL log: the commits found are appended to it. */
  readonly log: AgentLog;
  /** The supervisor's answers for it, oldest first. */
  readonly decisions: readonly DecisionRecord[];
}

/** An agent's summary: its result, commits and changed files since the base (none when its worktree is gone), decisions. */
export const summarizeAgent = async (agent: SettledAgent, baseCommit: string): Promise<AgentSummary> => {
  const { result } = agent;
  const present = fs.existsSync(agent.worktree);
  const commits = present ? await commitsSince(agent.worktree, baseCommit) : [];
  const changes = present ? await filesChanged(agent.worktree, baseCommit) : [];
  for (const commit of commits) agent.log.append('commit', commit);
  const summary: Omit<AgentSummary, 'decisions' | 'supervisor'> = {
    id: agent.id,
    branch: agent.branch,
    worktree: agent.worktree,
    task: `${agent.title}\n\n${agent.description}`.trim(),
    files: [...agent.files],
    status: result.state,
    reason: result.reason,
    exitCode: result.exitCode ?? null,
    iterations: result.usage.iterations,
    tokens: result.usage.tokens,
    cost: result.usage.cost,
    durationMs: result.startedAt && result.finishedAt ? result.finishedAt - result.startedAt : 0,
    commits,
    filesChanged: changes,
    log: agent.log.file,
  };
  return withSupervisorDecisions(summary, agent.decisions);
};

export interface RunSummaryInput extends Omit<SummaryInput, 'agents' | 'finishedAt' | 'summaryPath'> {
  agents: readonly SettledAgent[];
  /** Best of n: marks each task's attempts and winner (judging.ts annotate). */
  annotate?: ((agents: AgentSummary[]) => AgentSummary[]) | undefined;
}

/** The run's summary as it stands now (finished now, its file `summary_<run>.json` in the log folder; not written yet). */
export const assembleRunSummary = async (input: RunSummaryInput): Promise<RunSummary> => {
  const { agents: settled, annotate, ...run } = input;
  const agents: AgentSummary[] = [];
  for (const agent of settled) agents.push(await summarizeAgent(agent, run.baseCommit));
  return buildSummary({
    ...run,
    agents: annotate ? annotate(agents) : agents,
    finishedAt: new Date(),
    summaryPath: summaryPath(run.logDir, run.runId),
  });
};

/**
 * Writes the summary file. A summary that cannot be written is not the run's end: `onError`
 * says so and the summary is returned without a path.
 */
export const writeRunSummary = (summary: RunSummary, redactor: Redactor, onError: (error: Error) => void): RunSummary => {
  try {
    writeSummary(summary, redactor);
    return summary;
  } catch (error) {
    onError(error as Error);
    return { ...summary, summaryPath: undefined };
  }
};
