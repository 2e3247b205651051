import { formatDuration } from '../config/duration.js';
import type { SupervisorDecision } from '../llm/supervisor.js';
import type { CheckReport } from '../llm/supervisorContext.js';
import { checkFailedMessage } from './taskMessage.js';

/**
 * The turn policy: after each turn of an agent's aider session, what happens next. A pure
 * function of what the session driver reports, so every rule is tested on its own; the driver
 * carries the steps out (types the instruction, runs the check, asks the supervisor, finishes).
 *
 * The rules:
 * - A person typing into the agent (focus mode) is never talked over: wait for them.
 * - A supervisor that failed finishes the agent (failed) with its one-line reason.
 * - A failing check is the next turn (its output as the instruction) while the iteration cap
 *   allows; at the cap the agent fails. A check that timed out or could not start fails it.
 * - Without a supervisor (--no-supervisor), today's rule: done after the first turn, unless the
 *   check fails.
 * - With one: it is asked after every turn. "instruct" is the next turn while the cap allows (at
 *   the cap the agent fails, its progress in the reason). "check" runs the check: failing, its
 *   output is the next turn (as above); passing, the supervisor is asked again with the result,
 *   and a second "check" then finishes (nothing new to check: no loop without a turn). "finish"
 *   runs the check first when one is configured and has not passed since the turn: the check,
 *   not the model, has the last word on a finish.
 * - Finishing succeeds only when the agent committed something ("no changes" otherwise).
 */

/** The reason of an agent that made no commit: it is not a success. */
export const NO_CHANGES = 'no changes: aider made no commit';

/** The check's result after a turn, as the session driver ran it. */
export interface CheckOutcome extends CheckReport {
  /** It could not be started (or the driver could not read its result). */
  error?: string | undefined;
}

/** What happened after the latest turn ended, in order. */
export type TurnEvent =
  | { kind: 'check'; result: CheckOutcome }
  | { kind: 'decision'; decision: SupervisorDecision }
  | { kind: 'supervisorFailed'; reason: string };

/** The agent's situation after a turn, as the session driver knows it. */
export interface TurnSituation {
  /** Iterations used so far (aider's message_send events) and the cap (--max-iterations). */
  iterations: number;
  maxIterations: number;
  /** Commits on the agent's branch since the run's base. */
  commits: number;
  /** Files changed but not committed in the worktree (aider's own files aside), for the "no changes" reason. */
  uncommittedFiles?: number | undefined;
  /** The check command (--check-cmd) and its time limit (--check-timeout), when one is configured. */
  check: { command: string; timeoutMs: number } | undefined;
  /** Whether a supervisor decides after each turn (off with --no-supervisor). */
  supervisor: boolean;
  /** A person is typing into this agent (focus mode). */
  personInFocus: boolean;
  /** Everything since the latest turn ended, oldest first; empty right after a turn. */
  sinceTurn: readonly TurnEvent[];
}

export type NextStep =
  /** Type `message` into the session as the next turn; `source` says who asked (for the pane and log). */
  | { kind: 'instruct'; message: string; source: 'supervisor' | 'check' }
  | { kind: 'runCheck' }
  /** Call the supervisor (llm/supervisor.ts decideNextStep) with the turn and the events since it. */
  | { kind: 'askSupervisor' }
  /** A person is at the keyboard: decide again when they leave focus mode or their turn ends. */
  | { kind: 'waitForPerson' }
  | { kind: 'finish'; outcome: 'succeeded' | 'failed'; reason: string | undefined };

const finish = (outcome: 'succeeded' | 'failed', reason: string | undefined): NextStep => ({ kind: 'finish', outcome, reason });

/** The end of an agent whose work is judged done: a success only with a commit. */
const finishByCommits = (situation: TurnSituation, supervisorProgress?: string): NextStep => {
  if (situation.commits > 0) return finish('succeeded', undefined);
  const uncommitted = situation.uncommittedFiles ?? 0;
  const notes = [
    uncommitted > 0
      ? `${uncommitted} uncommitted file${uncommitted === 1 ? '' : 's'} in the worktree: is --no-auto-commits among the aider arguments?`
      : undefined,
    supervisorProgress ? `supervisor: ${supervisorProgress}` : undefined,
  ].filter(Boolean);
  return finish('failed', notes.length > 0 ? `${NO_CHANGES} (${notes.join('; ')})` : NO_CHANGES);
};

const turnsLeft = (situation: TurnSituation): boolean => situation.iterations < situation.maxIterations;

const latestDecision = (events: readonly TurnEvent[]): SupervisorDecision | undefined => {
  for (let i = events.length - 1; i >= 0; i -= 1) {
    const event = events[i]!;
    if (event.kind === 'decision') return event.decision;
  }
  return undefined;
};

const checkPassedSinceTurn = (events: readonly TurnEvent[]): boolean =>
  events.some((event) => event.kind === 'check' && event.result.passed && !event.result.error && !event.result.timedOut);

/** After the check ran: a failure is the next turn (within the cap), a pass goes back to whoever asked. */
const afterCheck = (situation: TurnSituation, result: CheckOutcome, before: readonly TurnEvent[]): NextStep => {
  const command = situation.check?.command ?? result.command;
  if (result.error) return finish('failed', result.error);
  if (result.timedOut) {
    const limit = situation.check ? `${formatDuration(situation.check.timeoutMs)} ` : '';
    return finish('failed', `the check ran longer than ${limit}(--check-timeout) and was ended: ${command}`);
  }
  if (!result.passed) {
    if (!turnsLeft(situation)) {
      return finish('failed', `the check still fails after ${situation.iterations} iteration(s), the --max-iterations cap`);
    }
    return { kind: 'instruct', message: checkFailedMessage(command, result.exitCode, result.output), source: 'check' };
  }
  if (!situation.supervisor) return finishByCommits(situation);
  const asked = latestDecision(before);
  // The supervisor wanted to see the result (check); a finish it asked for has passed its gate.
  if (asked?.action === 'finish') return finishByCommits(situation, asked.progress);
  return { kind: 'askSupervisor' };
};

/** What the session driver does next for an agent whose turn has ended. */
export const nextStep = (situation: TurnSituation): NextStep => {
  if (situation.personInFocus) return { kind: 'waitForPerson' };
  const events = situation.sinceTurn;
  const last = events.at(-1);
  if (last?.kind === 'supervisorFailed') return finish('failed', last.reason);
  if (last?.kind === 'check') return afterCheck(situation, last.result, events.slice(0, -1));

  if (!situation.supervisor) return situation.check ? { kind: 'runCheck' } : finishByCommits(situation);
  if (last === undefined) return { kind: 'askSupervisor' };

  const { decision } = last;
  switch (decision.action) {
    case 'instruct':
      if (!turnsLeft(situation)) {
        return finish(
          'failed',
          `reached --max-iterations (${situation.maxIterations}) with the task unfinished (supervisor: ${decision.progress})`,
        );
      }
      return { kind: 'instruct', message: decision.message, source: 'supervisor' };
    case 'check':
      // Without a check command, or with its pass already seen, there is nothing new to check.
      if (!situation.check || checkPassedSinceTurn(events)) return finishByCommits(situation, decision.progress);
      return { kind: 'runCheck' };
    case 'finish':
      if (situation.check && !checkPassedSinceTurn(events)) return { kind: 'runCheck' };
      return finishByCommits(situation, decision.progress);
  }
};
