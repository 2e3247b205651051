import { describe, expect, it } from 'vitest';
import { NO_CHANGES as AGENT_NO_CHANGES } from '../../../src/agents/agent.js';
import { checkFailedMessage } from '../../../src/agents/taskMessage.js';
import { NO_CHANGES, nextStep, type CheckOutcome, type TurnEvent, type TurnSituation } from '../../../src/agents/turnPolicy.js';
import type { SupervisorAction, SupervisorDecision } from '../../../src/llm/supervisor.js';

const CHECK = { command: 'npm test', timeoutMs: 600_000 };

const situation = (extra: Partial<TurnSituation> = {}): TurnSituation => ({
  iterations: 1,
  maxIterations: 10,
  commits: 1,
  check: undefined,
  supervisor: true,
  personInFocus: false,
  sinceTurn: [],
  ...extra,
});

const decided = (action: SupervisorAction, message = action === 'instruct' ? 'Wire the flag into log.ts.' : ''): TurnEvent => ({
  kind: 'decision',
  decision: { progress: `progress before ${action}`, thought: 't', action, message, future: 'f' } satisfies SupervisorDecision,
});
const checked = (result: Partial<CheckOutcome>): TurnEvent => ({
  kind: 'check',
  result: { command: 'npm test', passed: true, exitCode: 0, output: '', timedOut: false, ...result },
});
const FAILED_CHECK = checked({ passed: false, exitCode: 1, output: 'FAIL test/cli.test.ts' });
const PASSED_CHECK = checked({});

describe('a person typing into the agent is never talked over', () => {
  it('waits for the person, whatever else is pending', () => {
    expect(nextStep(situation({ personInFocus: true }))).toEqual({ kind: 'waitForPerson' });
    expect(nextStep(situation({ personInFocus: true, sinceTurn: [decided('instruct')] }))).toEqual({ kind: 'waitForPerson' });
    expect(nextStep(situation({ personInFocus: true, supervisor: false }))).toEqual({ kind: 'waitForPerson' });
    expect(nextStep(situation({ personInFocus: true, check: CHECK, sinceTurn: [FAILED_CHECK], iterations: 10 }))).toEqual({
      kind: 'waitForPerson',
    });
  });
});

describe('--no-supervisor keeps the rule of one turn unless the check fails', () => {
  const off = (extra: Partial<TurnSituation> = {}) => situation({ supervisor: false, ...extra });

  it('finishes after the first turn: succeeded with a commit', () => {
    expect(nextStep(off())).toEqual({ kind: 'finish', outcome: 'succeeded', reason: undefined });
  });

  it('runs the check after the turn when one is configured, and finishes when it passes', () => {
    expect(nextStep(off({ check: CHECK }))).toEqual({ kind: 'runCheck' });
    expect(nextStep(off({ check: CHECK, sinceTurn: [PASSED_CHECK] }))).toEqual({ kind: 'finish', outcome: 'succeeded', reason: undefined });
  });

  it("makes a failing check's output the next turn", () => {
    expect(nextStep(off({ check: CHECK, sinceTurn: [FAILED_CHECK] }))).toEqual({
      kind: 'instruct',
      message: checkFailedMessage('npm test', 1, 'FAIL test/cli.test.ts'),
      source: 'check',
    });
  });

  it('fails at the cap while the check still fails', () => {
    expect(nextStep(off({ check: CHECK, iterations: 10, sinceTurn: [FAILED_CHECK] }))).toEqual({
      kind: 'finish',
      outcome: 'failed',
      reason: 'the check still fails after 10 iteration(s), the --max-iterations cap',
    });
  });

  it('never asks the supervisor', () => {
    for (const sinceTurn of [[], [PASSED_CHECK]]) {
      expect(nextStep(off({ check: CHECK, sinceTurn })).kind).not.toBe('askSupervisor');
    }
  });
});

describe('no commit is no success', () => {
  it('fails with "no changes" where it would have succeeded', () => {
    expect(nextStep(situation({ supervisor: false, commits: 0 }))).toEqual({ kind: 'finish', outcome: 'failed', reason: NO_CHANGES });
    expect(nextStep(situation({ supervisor: false, commits: 0, check: CHECK, sinceTurn: [PASSED_CHECK] }))).toEqual({
      kind: 'finish',
      outcome: 'failed',
      reason: NO_CHANGES,
    });
  });

  it("adds the supervisor's progress, and a hint when files were left uncommitted", () => {
    expect(nextStep(situation({ commits: 0, sinceTurn: [decided('finish')] }))).toEqual({
      kind: 'finish',
      outcome: 'failed',
      reason: `${NO_CHANGES} (supervisor: progress before finish)`,
    });
    expect(nextStep(situation({ supervisor: false, commits: 0, uncommittedFiles: 2 }))).toEqual({
      kind: 'finish',
      outcome: 'failed',
      reason: `${NO_CHANGES} (2 uncommitted files in the worktree: is --no-auto-commits among the aider arguments?)`,
    });
  });

  it('is the reason the agent gives today, word for word', () => {
    expect(NO_CHANGES).toBe(AGENT_NO_CHANGES);
  });
});

describe('the supervisor decides after every turn', () => {
  it('is asked right after a turn', () => {
    expect(nextStep(situation())).toEqual({ kind: 'askSupervisor' });
    expect(nextStep(situation({ check: CHECK, commits: 0 }))).toEqual({ kind: 'askSupervisor' });
  });

  it('instruct: its message is the next turn', () => {
    expect(nextStep(situation({ sinceTurn: [decided('instruct')] }))).toEqual({
      kind: 'instruct',
      message: 'Wire the flag into log.ts.',
      source: 'supervisor',
    });
  });

  it('finish: succeeded with a commit and no check configured', () => {
    expect(nextStep(situation({ sinceTurn: [decided('finish')] }))).toEqual({ kind: 'finish', outcome: 'succeeded', reason: undefined });
  });

  it('finish: the configured check runs first, and has the last word', () => {
    expect(nextStep(situation({ check: CHECK, sinceTurn: [decided('finish')] }))).toEqual({ kind: 'runCheck' });
    expect(nextStep(situation({ check: CHECK, sinceTurn: [decided('finish'), PASSED_CHECK] }))).toEqual({
      kind: 'finish',
      outcome: 'succeeded',
      reason: undefined,
    });
    expect(nextStep(situation({ check: CHECK, sinceTurn: [decided('finish'), FAILED_CHECK] }))).toMatchObject({
      kind: 'instruct',
      source: 'check',
    });
  });

  it('check: runs it; a failure is the next turn, a pass goes back to the supervisor', () => {
    expect(nextStep(situation({ check: CHECK, sinceTurn: [decided('check')] }))).toEqual({ kind: 'runCheck' });
    expect(nextStep(situation({ check: CHECK, sinceTurn: [decided('check'), FAILED_CHECK] }))).toEqual({
      kind: 'instruct',
      message: checkFailedMessage('npm test', 1, 'FAIL test/cli.test.ts'),
      source: 'check',
    });
    expect(nextStep(situation({ check: CHECK, sinceTurn: [decided('check'), PASSED_CHECK] }))).toEqual({ kind: 'askSupervisor' });
  });

  it('check again after a pass: finishes (no loop without a turn)', () => {
    const sinceTurn = [decided('check'), PASSED_CHECK, decided('check')];
    expect(nextStep(situation({ check: CHECK, sinceTurn }))).toEqual({ kind: 'finish', outcome: 'succeeded', reason: undefined });
    expect(nextStep(situation({ check: CHECK, sinceTurn: [decided('check'), PASSED_CHECK, decided('finish')] }))).toEqual({
      kind: 'finish',
      outcome: 'succeeded',
      reason: undefined,
    });
    expect(nextStep(situation({ check: CHECK, sinceTurn: [decided('check'), PASSED_CHECK, decided('instruct')] }))).toMatchObject({
      kind: 'instruct',
      source: 'supervisor',
    });
  });

  it('check without a check command: finishes', () => {
    expect(nextStep(situation({ sinceTurn: [decided('check')] }))).toEqual({ kind: 'finish', outcome: 'succeeded', reason: undefined });
  });
});

describe('the iteration cap bounds the loop', () => {
  it('fails an instruct at the cap, with the progress the supervisor saw', () => {
    expect(nextStep(situation({ iterations: 10, sinceTurn: [decided('instruct')] }))).toEqual({
      kind: 'finish',
      outcome: 'failed',
      reason: 'reached --max-iterations (10) with the task unfinished (supervisor: progress before instruct)',
    });
    expect(nextStep(situation({ iterations: 12, sinceTurn: [decided('instruct')] }))).toMatchObject({ kind: 'finish', outcome: 'failed' });
  });

  it('still asks the supervisor at the cap, and lets it finish', () => {
    expect(nextStep(situation({ iterations: 10 }))).toEqual({ kind: 'askSupervisor' });
    expect(nextStep(situation({ iterations: 10, sinceTurn: [decided('finish')] }))).toEqual({
      kind: 'finish',
      outcome: 'succeeded',
      reason: undefined,
    });
    expect(nextStep(situation({ iterations: 10, check: CHECK, sinceTurn: [decided('finish')] }))).toEqual({ kind: 'runCheck' });
  });

  it('fails a failing check at the cap instead of another turn', () => {
    expect(nextStep(situation({ iterations: 10, check: CHECK, sinceTurn: [decided('check'), FAILED_CHECK] }))).toEqual({
      kind: 'finish',
      outcome: 'failed',
      reason: 'the check still fails after 10 iteration(s), the --max-iterations cap',
    });
  });

  it('allows the last turn below the cap', () => {
    expect(nextStep(situation({ iterations: 9, sinceTurn: [decided('instruct')] }))).toMatchObject({ kind: 'instruct' });
  });
});

describe('a failing supervisor or check ends the agent with the reason', () => {
  it("finishes with the supervisor's one-line reason, even with commits", () => {
    const reason = 'the supervisor model openai/x gave an unusable decision twice (instruct without a message)';
    expect(nextStep(situation({ sinceTurn: [{ kind: 'supervisorFailed', reason }] }))).toEqual({
      kind: 'finish',
      outcome: 'failed',
      reason,
    });
    expect(
      nextStep(situation({ check: CHECK, sinceTurn: [decided('check'), PASSED_CHECK, { kind: 'supervisorFailed', reason }] })),
    ).toEqual({
      kind: 'finish',
      outcome: 'failed',
      reason,
    });
  });

  it('fails a check that timed out, naming the limit and the command', () => {
    expect(
      nextStep(
        situation({ supervisor: false, check: CHECK, sinceTurn: [checked({ passed: false, exitCode: undefined, timedOut: true })] }),
      ),
    ).toEqual({
      kind: 'finish',
      outcome: 'failed',
      reason: 'the check ran longer than 10m (--check-timeout) and was ended: npm test',
    });
  });

  it('fails a check that could not start, with its error', () => {
    const error = 'cannot start /bin/sh: ENOENT';
    expect(
      nextStep(situation({ check: CHECK, sinceTurn: [decided('finish'), checked({ passed: false, exitCode: undefined, error })] })),
    ).toEqual({
      kind: 'finish',
      outcome: 'failed',
      reason: error,
    });
  });
});
