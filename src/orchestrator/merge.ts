import path from 'node:path';
import { CheckProcess } from '../agents/checkCommand.js';
import { resolveConflictWithAider, type ConflictResolverOptions, type TaskOfBranch } from '../agents/conflictResolver.js';
import type { AgentState, Usage } from '../agents/types.js';
import { formatDuration } from '../config/duration.js';
import { commitsAhead, mergeBranches, type MergeResult } from '../git/merge.js';
import type { Settings } from '../config/settings.js';
import type { Redactor } from '../logs/redact.js';
import type { MergeCheck, MergeRecord } from '../logs/types.js';

/** The integration branch of a run. */
export const mergedBranchName = (runId: string): string => `aider-orchestrator/${runId}/merged`;

/** One agent as a merge sees it. */
export interface AgentToMerge {
  id: number;
  branch: string;
  status: AgentState;
  /** With several attempts at its task (--agents-per-task): that task's number; undefined with one. */
  task?: number | undefined;
  /** With several attempts: whether it won its task (undefined: the task was not judged). */
  winner?: boolean | undefined;
  /** Its task's title and description, for the conflict resolver's brief. */
  brief?: string | undefined;
}

/** What a merge needs of a run: a finished run's summary, or the run history's record of it. */
export interface RunToMerge {
  runId: string;
  repo: string;
  baseCommit: string;
  /** The approved PRD, read by the conflict resolver. */
  prdPath?: string | undefined;
  agents: readonly AgentToMerge[];
}

export interface MergeOptions {
  /**
   * `--resolve`: a conflicting branch goes to an aider session in the integration worktree
   * (the run's aider, model, environment and limits); each session gets its own folder under
   * `stateDir`. An existing integration branch is merged into (an earlier merge left branches out).
   */
  resolve?: Omit<ConflictResolverOptions, 'stateDir' | 'prdPath'> & { stateDir: string };
  /** The run's check command, run on the integration branch once the branches are merged. */
  check?: { command: string; timeoutMs: number; env: NodeJS.ProcessEnv; redactor: Redactor };
}

/** What a merge did: the git result, the resolver's cost, the check. */
export interface MergeReport extends MergeResult {
  /** Succeeded agents not merged because they did not win their task, in lines. */
  leftOut: string[];
  /** The resolver's LLM use per resolved (or tried) agent. */
  resolverUsage: Map<number, Usage>;
  check: MergeCheck | undefined;
}

/** The folder of one merge's resolver sessions, in the run's folder of the data folder. */
export const resolverDir = (dataDir: string, runId: string, now = new Date()): string =>
  path.join(dataDir, 'runs', runId, `merge-${now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}`);

/** The resolver and check options of a merge from the run's settings and environment. */
export const mergeOptionsFor = (
  runId: string,
  settings: Settings,
  environment: { aiderBin: string | undefined; agentEnv: NodeJS.ProcessEnv; redactor: Redactor },
  request: { resolve: boolean; check: boolean },
): MergeOptions => ({
  resolve:
    request.resolve && environment.aiderBin
      ? {
          aiderBin: environment.aiderBin,
          model: settings.agentModel,
          env: environment.agentEnv,
          extraArgs: settings.aiderArgs,
          idleTimeout: settings.idleTimeout,
          maxIterations: settings.maxIterations,
          redactor: environment.redactor,
          stateDir: resolverDir(settings.dataDir, runId),
        }
      : undefined,
  check:
    request.check && settings.checkCommand
      ? { command: settings.checkCommand, timeoutMs: settings.checkTimeout, env: environment.agentEnv, redactor: environment.redactor }
      : undefined,
});

/** The end of the check's output kept for the summary and the terminal. */
const CHECK_OUTPUT_TAIL_CHARS = 6000;

/**
 * The agents whose branches a merge takes: the succeeded ones, and of a task with several
 * attempts only its winner (one branch per task: two attempts at the same task would collide).
 * A task whose succeeded attempts were never judged (the run ended first) is left out, with a line.
 */
export const agentsToMerge = (agents: readonly AgentToMerge[]): { take: AgentToMerge[]; leftOut: string[] } => {
  const take: AgentToMerge[] = [];
  const leftOut: string[] = [];
  const byTask = new Map<number, AgentToMerge[]>();
  for (const agent of agents.filter((a) => a.status === 'succeeded')) {
    if (agent.task === undefined) take.push(agent);
    else byTask.set(agent.task, [...(byTask.get(agent.task) ?? []), agent]);
  }
  for (const [task, attempts] of byTask) {
    const winner = attempts.find((agent) => agent.winner === true) ?? (attempts.length === 1 ? attempts[0] : undefined);
    if (winner) {
      take.push(winner);
      for (const agent of attempts.filter((a) => a !== winner)) {
        leftOut.push(`agent ${agent.id}: not the winner of task ${task} (agent ${winner.id} is); left out`);
      }
    } else {
      leftOut.push(
        `task ${task}: agents ${attempts.map((a) => a.id).join(', ')} succeeded and none was judged the winner (the run ended first): left out; resume the run to judge them, or merge one by hand: git merge ${attempts[0]!.branch}`,
      );
    }
  }
  return { take: take.sort((a, b) => a.id - b.id), leftOut };
};

/**
 * Merges the branches of a run's succeeded agents (those with commits past the base; of a task
 * with several attempts, its winner) into `aider-orchestrator/<run>/merged` off the run's base commit. A branch deleted since is named
 * and left out. With `resolve`, conflicts go to an agent; with `check`, the check command runs
 * on the integration branch when something is merged.
 */
export const mergeRun = async (run: RunToMerge, onProgress?: (line: string) => void, options: MergeOptions = {}): Promise<MergeReport> => {
  const { take, leftOut } = agentsToMerge(run.agents);
  const branches: { agent: number; branch: string }[] = [];
  for (const agent of take) {
    const ahead = await commitsAhead(run.repo, run.baseCommit, agent.branch);
    if (ahead === undefined) onProgress?.(`agent ${agent.id}: its branch ${agent.branch} is gone; left out`);
    else if (ahead > 0) branches.push({ agent: agent.id, branch: agent.branch });
  }
  const resolverUsage = new Map<number, Usage>();
  const taskOf = (id: number): TaskOfBranch => ({
    agent: id,
    task: run.agents.find((agent) => agent.id === id)?.brief ?? '(not recorded)',
  });
  const resolve = options.resolve;
  let check: MergeCheck | undefined;
  const result = await mergeBranches({
    root: run.repo,
    base: run.baseCommit,
    target: mergedBranchName(run.runId),
    branches,
    onProgress,
    continue: resolve !== undefined,
    resolve: resolve
      ? async (conflict) => {
          const outcome = await resolveConflictWithAider(
            { ...resolve, stateDir: path.join(resolve.stateDir, `agent-${conflict.agent}`), prdPath: run.prdPath },
            {
              worktree: conflict.worktree,
              target: conflict.target,
              branch: conflict.branch,
              files: conflict.files,
              merged: conflict.mergedSoFar.map(taskOf),
              incoming: taskOf(conflict.agent),
            },
          );
          resolverUsage.set(conflict.agent, outcome.usage);
          return outcome;
        }
      : undefined,
    inWorktree: options.check
      ? async (worktree, merged) => {
          if (merged.merged.length === 0) return;
          onProgress?.(`running the check on ${merged.target}: ${options.check!.command}`);
          check = await runCheck(options.check!, worktree);
        }
      : undefined,
  });
  return { ...result, leftOut, resolverUsage, check };
};

/** The check command in the integration worktree (agents/checkCommand.ts), its output's end kept, masked. */
const runCheck = async (check: NonNullable<MergeOptions['check']>, worktree: string): Promise<MergeCheck> => {
  let output = '';
  const process = new CheckProcess({
    command: check.command,
    cwd: worktree,
    env: check.env,
    cols: 120,
    rows: 40,
    timeoutMs: check.timeoutMs,
    onLine: (line) => {
      output += `${check.redactor.redact(line)}\n`;
      if (output.length > 2 * CHECK_OUTPUT_TAIL_CHARS) output = output.slice(-CHECK_OUTPUT_TAIL_CHARS);
    },
  });
  const done = await process.done;
  return {
    command: check.command,
    passed: done.exitCode === 0 && !done.timedOut && !done.stopped && !done.error,
    exitCode: done.exitCode ?? null,
    timedOut: done.timedOut,
    ...(done.timedOut ? { timeoutMs: check.timeoutMs } : {}),
    output: (done.error ? `${output}${done.error}\n` : output).slice(-CHECK_OUTPUT_TAIL_CHARS),
  };
};

/** The merge as the summary JSON keeps it. */
export const mergeRecord = (report: MergeReport): MergeRecord => ({
  branch: report.target,
  merged: [...report.merged],
  leftOut: report.conflicts.map((conflict) => ({ ...conflict })),
  resolved: report.resolved.map((resolved) => {
    const usage = report.resolverUsage.get(resolved.agent);
    return { ...resolved, iterations: usage?.iterations ?? 0, tokens: usage?.tokens.total ?? 0, cost: usage?.cost ?? 0 };
  }),
  check: report.check,
  finishedAt: new Date().toISOString(),
});

/** The exit code of a merge: 1 when a branch is left out or the check fails, else 0. */
export const mergeExitCode = (report: MergeReport): number => (report.conflicts.length > 0 || report.check?.passed === false ? 1 : 0);

/** The last `lines` lines of a check's output. */
export const outputTail = (output: string, lines: number): string[] => output.trimEnd().split('\n').slice(-lines).filter(Boolean);

/** What a merge did, in lines for the terminal; the failed check's output ends it (at most `outputLines` lines). */
export const describeMerge = (
  result: MergeResult & { check?: MergeCheck | undefined; leftOut?: readonly string[] },
  options: { outputLines?: number } = {},
): string[] => {
  const check = result.check;
  return [
    result.merged.length > 0
      ? `merged agent${result.merged.length === 1 ? '' : 's'} ${result.merged.join(', ')} into ${result.target}`
      : `nothing merged into ${result.target} (no succeeded agent with commits)`,
    ...result.resolved.map((r) => `agent ${r.agent} conflicted in ${r.files.join(', ')}: resolved by an agent and merged`),
    ...result.conflicts.map(
      (conflict) =>
        `agent ${conflict.agent} conflicts in ${conflict.files.join(', ') || 'unknown files'}: left out${
          conflict.reason ? ` (the agent could not resolve them: ${conflict.reason})` : ''
        }; to merge it by hand: git switch ${result.target} && git merge ${conflict.branch}${
          conflict.reason === undefined ? ' (or let an agent resolve it: merge --resolve)' : ''
        }`,
    ),
    ...(result.leftOut ?? []),
    ...(check
      ? [
          check.passed
            ? `check passed on ${result.target}: ${check.command}`
            : `check failed on ${result.target} (${
                check.timedOut ? `timed out after ${formatDuration(check.timeoutMs ?? 0)}` : `exit ${check.exitCode ?? 'unknown'}`
              }): ${check.command}`,
          ...(check.passed ? [] : outputTail(check.output, options.outputLines ?? 20).map((line) => `  ${line}`)),
        ]
      : []),
  ];
};
