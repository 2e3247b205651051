import fs from 'node:fs';
import path from 'node:path';
import type { AgentSummary, DecisionRecord, MergeRecord, PullRequestSummary, RunSummary, RunTotals, SupervisorTotals } from './types.js';
import { makePrivateDir, writePrivateFile } from './privateFiles.js';
import type { Redactor } from './redact.js';

export const summaryPath = (logDir: string, ts: string): string => path.join(logDir, `summary_${ts}.json`);

/** Rounded to a millionth of a dollar: sums of float prices otherwise print as 0.30000000000000004. */
const roundCost = (cost: number): number => Math.round(cost * 1e6) / 1e6;

/** What the supervisor's answers for one agent cost together. */
export const supervisorTotals = (decisions: readonly DecisionRecord[]): SupervisorTotals => {
  const totals: SupervisorTotals = { calls: decisions.length, tokens: { prompt: 0, completion: 0, total: 0 }, cost: 0 };
  for (const decision of decisions) {
    totals.tokens.prompt += decision.tokens.prompt;
    totals.tokens.completion += decision.tokens.completion;
    totals.tokens.total += decision.tokens.total;
    totals.cost += decision.cost;
  }
  totals.cost = roundCost(totals.cost);
  return totals;
};

/**
 * An agent's summary with its supervisor's answers: the decisions listed, their tokens and cost
 * added into the agent's own (so the run's totals count them), and shown apart in `supervisor`.
 * `agent` carries aider's tokens and cost only.
 */
export const withSupervisorDecisions = (
  agent: Omit<AgentSummary, 'decisions' | 'supervisor'>,
  decisions: readonly DecisionRecord[],
): AgentSummary => {
  const supervisor = supervisorTotals(decisions);
  return {
    ...agent,
    tokens: {
      prompt: agent.tokens.prompt + supervisor.tokens.prompt,
      completion: agent.tokens.completion + supervisor.tokens.completion,
      total: agent.tokens.total + supervisor.tokens.total,
    },
    cost: roundCost(agent.cost + supervisor.cost),
    decisions: [...decisions],
    supervisor,
  };
};

export const computeTotals = (agents: readonly AgentSummary[]): RunTotals => {
  const totals: RunTotals = {
    agents: agents.length,
    succeeded: 0,
    failed: 0,
    stopped: 0,
    iterations: 0,
    tokens: { prompt: 0, completion: 0, total: 0 },
    cost: 0,
    commits: 0,
    durationMs: 0,
  };
  for (const agent of agents) {
    if (agent.status === 'succeeded') totals.succeeded += 1;
    else if (agent.status === 'stopped') totals.stopped += 1;
    else totals.failed += 1; // failed, or never reached a final state
    totals.iterations += agent.iterations;
    totals.tokens.prompt += agent.tokens.prompt;
    totals.tokens.completion += agent.tokens.completion;
    totals.tokens.total += agent.tokens.total;
    totals.cost += agent.cost;
    totals.commits += agent.commits.length;
  }
  totals.cost = roundCost(totals.cost);
  return totals;
};

/**
 * The run's overall status: stopped wins over failed wins over succeeded (an agent that never
 * reached a final state counts as failed). A task with several attempts
 * (--agents-per-task) that has a winner counts as one success: its other attempts (failed, or
 * stopped by --first-wins) do not fail the run. A task without a winner counts as its attempts ended.
 */
export const runStatusOf = (agents: readonly AgentSummary[]): RunSummary['status'] => {
  const won = new Set(agents.filter((agent) => agent.winner && agent.attempt).map((agent) => agent.attempt!.task));
  const outcomes = agents.filter((agent) => !(agent.attempt && won.has(agent.attempt.task))).map((agent) => agent.status);
  if (outcomes.includes('stopped')) return 'stopped';
  return outcomes.every((status) => status === 'succeeded') ? 'succeeded' : 'failed';
};

export interface SummaryInput {
  runId: string;
  change: string;
  repo: string;
  baseCommit: string;
  baseBranch?: string | undefined;
  prdPath: string | undefined;
  startedAt: Date;
  finishedAt: Date;
  agents: AgentSummary[];
  logDir: string;
  summaryPath: string;
}

export const buildSummary = (input: SummaryInput): RunSummary => {
  const totals = computeTotals(input.agents);
  totals.durationMs = input.finishedAt.getTime() - input.startedAt.getTime();
  return {
    runId: input.runId,
    change: input.change,
    repo: input.repo,
    baseCommit: input.baseCommit,
    ...(input.baseBranch ? { baseBranch: input.baseBranch } : {}),
    prdPath: input.prdPath,
    startedAt: input.startedAt.toISOString(),
    finishedAt: input.finishedAt.toISOString(),
    status: runStatusOf(input.agents),
    agents: [...input.agents].sort((a, b) => a.id - b.id),
    totals,
    logDir: input.logDir,
    summaryPath: input.summaryPath,
  };
};

/**
 * Written to a temp file and renamed, so a reader never sees half a summary. When it cannot be
 * written (disk full, the log folder is a file...) the error is thrown and no temp file stays.
 */
export const writeSummary = (summary: RunSummary, redactor: Redactor): void => {
  const file = summary.summaryPath;
  if (!file) throw new Error('writeSummary() of a summary without a path');
  const tmp = `${file}.tmp`;
  try {
    makePrivateDir(path.dirname(file));
    writePrivateFile(tmp, `${redactor.redact(JSON.stringify(summary, null, 2))}\n`);
    fs.renameSync(tmp, file);
  } catch (error) {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // the folder itself is unusable: no temp file was made in it
    }
    throw error;
  }
};

/**
 * The summary file of run `runId` with its `merge` replaced, written back; false (nothing
 * written) when the file is missing or is not that run's summary: it sits in the repository,
 * and anything may have replaced it.
 */
export const recordMergeInSummary = (file: string, runId: string, merge: MergeRecord, redactor: Redactor): boolean => {
  let summary: RunSummary;
  try {
    summary = JSON.parse(fs.readFileSync(file, 'utf8')) as RunSummary;
  } catch {
    return false;
  }
  if (summary?.runId !== runId || !Array.isArray(summary.agents)) return false;
  writeSummary({ ...summary, summaryPath: file, merge }, redactor);
  return true;
};

/** `summary` with `opened` among its pull requests (one per branch: a branch's newer one replaces its older). */
export const withPullRequests = (summary: RunSummary, opened: readonly PullRequestSummary[]): RunSummary => {
  const byBranch = new Map((summary.pullRequests ?? []).map((pr) => [pr.branch, pr]));
  for (const pr of opened) byBranch.set(pr.branch, { branch: pr.branch, url: pr.url, number: pr.number });
  return { ...summary, pullRequests: [...byBranch.values()] };
};

/**
 * Adds pull requests to the summary file of run `runId`. The file sits in the repository, and
 * anything may have replaced it: one that is missing, not JSON or not this run's is left alone,
 * and the reason returned (the run history has the pull requests either way).
 */
export const addPullRequestsToSummaryFile = (
  file: string,
  runId: string,
  opened: readonly PullRequestSummary[],
  redactor: Redactor,
): { summary: RunSummary } | { problem: string } => {
  let summary: RunSummary;
  try {
    summary = JSON.parse(fs.readFileSync(file, 'utf8')) as RunSummary;
  } catch (error) {
    return { problem: (error as Error).message };
  }
  if (summary?.runId !== runId || !Array.isArray(summary.agents)) return { problem: `it is not the summary of run ${runId}` };
  const updated = withPullRequests({ ...summary, summaryPath: file }, opened);
  try {
    writeSummary(updated, redactor);
  } catch (error) {
    return { problem: (error as Error).message };
  }
  return { summary: updated };
};
