import fs from 'node:fs';
import { isFinalState, type AgentState, type Usage } from '../agents/types.js';
import { diffSince, filesChanged } from '../git/commits.js';
import type { JudgeInput, JudgeOutcome } from '../llm/judge.js';
import type { AgentSummary, FirstWinsSaving } from '../logs/types.js';
import { taskGroups } from '../plan/attempts.js';
import type { AgentTask } from '../plan/types.js';
import { judgeAttempts, type AttemptFacts, type CheckResult, type ModelPick, type Verdict } from './bestOfN.js';

/** What judging reads of an agent, and the one command it gives (--first-wins stops the others). */
export interface Attempt {
  readonly id: number;
  readonly task: AgentTask;
  readonly state: AgentState;
  readonly usage: Usage;
  readonly worktree: string;
  /** The check command's latest result, if it ran. */
  readonly checkResult?: 'passed' | 'failed' | undefined;
  stop(reason?: string): Promise<void>;
}

/** A task's verdict as the run keeps it. */
export interface TaskVerdict extends Verdict {
  /** 1-based task number, in plan order. */
  task: number;
  /** Its attempts' agent numbers. */
  attempts: number[];
  /** ISO time of the verdict. */
  time: string;
  firstWins?: FirstWinsSaving;
}

export interface AttemptJudgingOptions {
  /** Every agent of the run: the tasks with more than one attempt are judged. */
  attempts: readonly Attempt[];
  baseCommit: string;
  checkCommand: string | undefined;
  /** --first-wins: the first attempt of a task to succeed (pass the check) wins; the others are stopped. */
  firstWins: boolean;
  /** The judge model (llm/judge.ts pickAttempt, bound to the run); undefined with --no-supervisor. */
  judge: ((input: JudgeInput) => Promise<JudgeOutcome>) | undefined;
  /** Each verdict as it is made (the run records it and tells the UI). */
  onVerdict(verdict: TaskVerdict): void;
}

/** The reason of an attempt --first-wins stopped. */
export const FIRST_WINS_STOP_REASON = 'another attempt won (--first-wins)';

const roundCost = (usd: number): number => Math.round(usd * 1e6) / 1e6;

/**
 * Best of n during a run: each task with several attempts is judged (bestOfN.ts) as soon as all
 * of its attempts have ended, while the other tasks go on; with --first-wins, the first attempt
 * to succeed wins at once and the others are stopped. A restarted attempt clears its task's verdict.
 */
export class AttemptJudging {
  private readonly groups = new Map<number, Attempt[]>();
  private readonly taskOf = new Map<number, number>();
  private readonly verdicts = new Map<number, TaskVerdict>();
  private readonly pending = new Map<number, Promise<void>>();
  /** Bumped by a restart: a judgement begun before it is dropped. */
  private readonly generation = new Map<number, number>();

  constructor(private readonly options: AttemptJudgingOptions) {
    const byAgent = new Map(options.attempts.map((attempt) => [attempt.id, attempt]));
    taskGroups(options.attempts.map((attempt) => attempt.task)).forEach((group, index) => {
      if (group.length < 2) return;
      const task = index + 1;
      this.groups.set(
        task,
        group.map((member) => byAgent.get(member.agent)!),
      );
      for (const member of group) this.taskOf.set(member.agent, task);
    });
  }

  /** Whether any task has several attempts. */
  get active(): boolean {
    return this.groups.size > 0;
  }

  /** An attempt reached a final state. */
  ended(agent: number): void {
    const task = this.taskOf.get(agent);
    const group = task === undefined ? undefined : this.groups.get(task);
    if (task === undefined || !group || this.verdicts.has(task) || this.pending.has(task)) return;
    const attempt = group.find((member) => member.id === agent)!;
    const othersRunning = group.some((member) => !isFinalState(member.state));
    const firstSuccess = group.every((member) => member === attempt || member.state !== 'succeeded');
    if (this.options.firstWins && attempt.state === 'succeeded' && firstSuccess && othersRunning) {
      this.firstWin(task, attempt, group);
    } else if (!othersRunning) {
      this.startJudging(task, group);
    }
  }

  /** An attempt runs again: its task's verdict no longer holds. */
  restarted(agent: number): void {
    const task = this.taskOf.get(agent);
    if (task === undefined) return;
    this.generation.set(task, (this.generation.get(task) ?? 0) + 1);
    this.verdicts.delete(task);
    this.pending.delete(task);
  }

  /** Judges every task whose attempts have all ended and has no verdict yet, and waits for all. */
  async settle(): Promise<Map<number, TaskVerdict>> {
    for (const [task, group] of this.groups) {
      if (!this.verdicts.has(task) && !this.pending.has(task) && group.every((member) => isFinalState(member.state))) {
        this.startJudging(task, group);
      }
    }
    for (;;) {
      const waiting = [...this.pending.values()];
      if (waiting.length === 0) break;
      await Promise.all(waiting);
    }
    return new Map(this.verdicts);
  }

  /** Which task (1-based) and attempt an agent is, when its task has several attempts. */
  attemptOf(agent: number): { task: number; attempt: number; of: number } | undefined {
    const task = this.taskOf.get(agent);
    const group = task === undefined ? undefined : this.groups.get(task);
    const member = group?.find((attempt) => attempt.id === agent);
    return task === undefined || !group || !member ? undefined : { task, attempt: member.task.attempt, of: group.length };
  }

  /**
   * The agents' summaries with their tasks' verdicts: each attempt of a task with several gets
   * `attempt` and `winner`; the winner also `judgement` (and `firstWins`). Others are unchanged.
   */
  annotate(agents: readonly AgentSummary[]): AgentSummary[] {
    return agents.map((agent) => {
      const { attempt: _attempt, winner: _winner, judgement: _judgement, firstWins: _firstWins, ...plain } = agent;
      const attempt = this.attemptOf(agent.id);
      if (!attempt) return plain;
      const verdict = this.verdicts.get(attempt.task);
      const won = verdict?.winner === agent.id;
      return {
        ...plain,
        attempt,
        winner: won,
        ...(won && verdict?.by
          ? {
              judgement: {
                by: verdict.by,
                reason: verdict.reason,
                time: verdict.time,
                ...(verdict.tokens ? { tokens: verdict.tokens } : {}),
              },
              ...(verdict.firstWins ? { firstWins: verdict.firstWins } : {}),
            }
          : {}),
      };
    });
  }

  /** Makes `agent` its task's winner (the user's pick on the summary); the verdict it replaces is named in the reason. */
  pick(agent: number): TaskVerdict {
    const task = this.taskOf.get(agent);
    const group = task === undefined ? undefined : this.groups.get(task);
    if (task === undefined || !group) throw new Error(`agent ${agent} is not one of several attempts at a task`);
    const before = this.verdicts.get(task);
    const verdict: TaskVerdict = {
      task,
      attempts: group.map((member) => member.id),
      winner: agent,
      by: 'user',
      reason:
        before?.winner !== undefined && before.winner !== agent
          ? `picked on the summary screen instead of agent ${before.winner} (${before.by}: ${before.reason})`
          : 'picked on the summary screen',
      time: new Date().toISOString(),
    };
    this.verdicts.set(task, verdict);
    this.options.onVerdict(verdict);
    return verdict;
  }

  private startJudging(task: number, group: readonly Attempt[]): void {
    const generation = this.generation.get(task) ?? 0;
    const work = (async () => {
      const facts = await Promise.all(group.map((member) => this.factsOf(member)));
      const verdict = await judgeAttempts(facts, {
        askModel: this.options.judge ? (finalists) => this.askModel(group, finalists) : undefined,
      });
      if ((this.generation.get(task) ?? 0) !== generation) return;
      this.settleVerdict({ ...verdict, task, attempts: group.map((member) => member.id), time: new Date().toISOString() });
    })().finally(() => {
      if (this.pending.get(task) === work) this.pending.delete(task);
    });
    this.pending.set(task, work);
  }

  private settleVerdict(verdict: TaskVerdict): void {
    this.verdicts.set(verdict.task, verdict);
    this.options.onVerdict(verdict);
  }

  /**
   * --first-wins: `winner` is the first of its task to succeed (with a check command, succeeding
   * means passing it). The others are stopped; what they had spent, and what that may have
   * saved, is kept with the verdict.
   */
  private firstWin(task: number, winner: Attempt, group: readonly Attempt[]): void {
    const generation = this.generation.get(task) ?? 0;
    const verdict: TaskVerdict = {
      task,
      attempts: group.map((member) => member.id),
      winner: winner.id,
      by: 'first-wins',
      reason: this.options.checkCommand
        ? 'the first attempt to pass the check (--first-wins)'
        : 'the first attempt to succeed (--first-wins; no check command)',
      time: new Date().toISOString(),
    };
    // Set at once: the stopped attempts' own endings must not start a judgement.
    this.verdicts.set(task, verdict);
    const running = group.filter((member) => member !== winner && !isFinalState(member.state));
    const work = (async () => {
      await Promise.all(running.map((member) => member.stop(FIRST_WINS_STOP_REASON)));
      if ((this.generation.get(task) ?? 0) !== generation) return;
      const stopped = running.filter((member) => member.state === 'stopped');
      const stoppedCost = stopped.reduce((sum, member) => sum + member.usage.cost, 0);
      const avoided = stopped.reduce((sum, member) => sum + Math.max(0, winner.usage.cost - member.usage.cost), 0);
      this.settleVerdict({
        ...verdict,
        firstWins: {
          stopped: stopped.map((member) => member.id),
          stoppedCost: roundCost(stoppedCost),
          estimatedCostAvoided: roundCost(avoided),
        },
      });
    })().finally(() => {
      if (this.pending.get(task) === work) this.pending.delete(task);
    });
    this.pending.set(task, work);
  }

  private async factsOf(attempt: Attempt): Promise<AttemptFacts> {
    const present = fs.existsSync(attempt.worktree);
    const changes = present ? await filesChanged(attempt.worktree, this.options.baseCommit).catch(() => []) : [];
    // A resumed attempt that had finished has no check result in memory: it succeeded, so it passed.
    const check: CheckResult = attempt.checkResult ?? (this.options.checkCommand && attempt.state === 'succeeded' ? 'passed' : 'not-run');
    return {
      agent: attempt.id,
      status: attempt.state,
      check,
      linesChanged: changes.reduce((sum, change) => sum + change.added + change.removed, 0),
      cost: attempt.usage.cost,
    };
  }

  private async askModel(group: readonly Attempt[], finalists: readonly AttemptFacts[]): Promise<ModelPick> {
    const judge = this.options.judge!;
    const first = group[0]!.task;
    const attempts = await Promise.all(
      finalists.map(async (facts) => {
        const worktree = group.find((member) => member.id === facts.agent)!.worktree;
        const diff = await diffSince(worktree, this.options.baseCommit).catch(
          (error: Error) => `(the diff could not be read: ${error.message.split('\n')[0]})`,
        );
        return { label: String(facts.agent), diff, linesChanged: facts.linesChanged, check: facts.check };
      }),
    );
    const outcome = await judge({
      task: { title: first.title, description: first.description, files: first.files },
      checkCommand: this.options.checkCommand,
      attempts,
    });
    const tokens = { ...outcome.usage };
    return outcome.ok
      ? { ok: true, agent: Number(outcome.label), reason: outcome.reason, tokens }
      : { ok: false, reason: outcome.reason, tokens };
  }
}
