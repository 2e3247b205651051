import { describe, expect, it } from 'vitest';
import { judgeAttempts, rankByTieBreak, type AttemptFacts, type ModelPick } from '../../../src/orchestrator/bestOfN.js';
import { taskGroups } from '../../../src/plan/attempts.js';

const attempt = (agent: number, overrides: Partial<AttemptFacts> = {}): AttemptFacts => ({
  agent,
  status: 'succeeded',
  check: 'passed',
  linesChanged: 10,
  cost: 0.01,
  ...overrides,
});

const TOKENS = { prompt: 100, completion: 10, total: 110 };

/** A judge model that answers `pick`, and records which finalists it was shown. */
const model = (pick: ModelPick) => {
  const shown: number[][] = [];
  return {
    shown,
    askModel: async (finalists: readonly AttemptFacts[]) => {
      shown.push(finalists.map((f) => f.agent));
      return pick;
    },
  };
};

describe('best of n: which attempt wins its task', () => {
  it('has no winner when no attempt succeeded, and says how each ended', async () => {
    const verdict = await judgeAttempts([attempt(1, { status: 'failed', check: 'failed' }), attempt(2, { status: 'stopped' })]);
    expect(verdict).toEqual({ winner: undefined, by: undefined, reason: 'no attempt succeeded (agent 1 failed, agent 2 stopped)' });
  });

  it('gives the task to the only attempt that passed the check, without asking the model', async () => {
    const judge = model({ ok: true, agent: 1, reason: 'x', tokens: TOKENS });
    const verdict = await judgeAttempts([attempt(1, { status: 'failed', check: 'failed' }), attempt(2, { linesChanged: 500 })], judge);
    expect(verdict).toMatchObject({ winner: 2, by: 'check', reason: 'the only attempt that passed the check (agent 1 failed)' });
    expect(judge.shown).toEqual([]);
  });

  it('gives the task to the only succeeded attempt when there is no check command', async () => {
    const verdict = await judgeAttempts([attempt(1, { check: 'not-run' }), attempt(2, { status: 'failed', check: 'not-run' })]);
    expect(verdict).toMatchObject({ winner: 1, by: 'outcome', reason: 'the only attempt that succeeded (agent 2 failed)' });
  });

  it('ranks a passed check above one not run, and one not run above a failed one', async () => {
    const passedBeatsNotRun = await judgeAttempts([attempt(1, { check: 'not-run', linesChanged: 1 }), attempt(2, { check: 'passed' })]);
    expect(passedBeatsNotRun).toMatchObject({ winner: 2, by: 'check' });
    const notRunBeatsFailed = await judgeAttempts([attempt(1, { check: 'failed', linesChanged: 1 }), attempt(2, { check: 'not-run' })]);
    expect(notRunBeatsFailed).toMatchObject({ winner: 2, by: 'check' });
  });

  it('asks the model about the finalists only, and keeps its pick and reason', async () => {
    const judge = model({ ok: true, agent: 3, reason: 'handles the empty list too', tokens: TOKENS });
    const verdict = await judgeAttempts(
      [attempt(1, { linesChanged: 2 }), attempt(2, { status: 'failed', check: 'failed' }), attempt(3, { linesChanged: 90 })],
      judge,
    );
    expect(judge.shown).toEqual([[1, 3]]);
    expect(verdict).toEqual({ winner: 3, by: 'model', reason: 'handles the empty list too', tokens: TOKENS });
  });

  it('breaks a tie by the smaller diff when there is no model (--no-supervisor)', async () => {
    const verdict = await judgeAttempts([attempt(1, { linesChanged: 40 }), attempt(2, { linesChanged: 12 })]);
    expect(verdict).toEqual({
      winner: 2,
      by: 'tie-break',
      reason: 'no judge model (--no-supervisor); smaller diff: 12 lines changed against 40 (agent 1)',
    });
  });

  it('breaks a tie of diff sizes by the lower cost, then by the earlier attempt', async () => {
    const byCost = await judgeAttempts([attempt(1, { cost: 0.02 }), attempt(2, { cost: 0.01 })]);
    expect(byCost).toMatchObject({ winner: 2, by: 'tie-break' });
    expect(byCost.reason).toContain('same diff size (10 lines), lower cost: $0.0100 against $0.0200 (agent 1)');
    const byOrder = await judgeAttempts([attempt(4), attempt(3)]);
    expect(byOrder).toMatchObject({ winner: 3, by: 'tie-break' });
    expect(byOrder.reason).toContain('same diff size (10 lines) and cost ($0.0100) as agent 4: the earlier attempt');
    expect(
      rankByTieBreak([
        attempt(1, { linesChanged: 5, cost: 9 }),
        attempt(2, { linesChanged: 5, cost: 1 }),
        attempt(3, { linesChanged: 1 }),
      ]).map((a) => a.agent),
    ).toEqual([3, 2, 1]);
  });

  it('falls back to the tie-break when the model fails, and says so', async () => {
    const judge = model({ ok: false, reason: 'openai/judge gave an unusable answer twice: not JSON', tokens: TOKENS });
    const verdict = await judgeAttempts([attempt(1, { linesChanged: 30 }), attempt(2, { linesChanged: 3 })], judge);
    expect(verdict).toEqual({
      winner: 2,
      by: 'tie-break',
      reason:
        'the judge model failed (openai/judge gave an unusable answer twice: not JSON); smaller diff: 3 lines changed against 30 (agent 1)',
      tokens: TOKENS,
    });
  });

  it('does not let the model pick an attempt that is not a finalist', async () => {
    const judge = model({ ok: true, agent: 2, reason: 'the failed one is nicer', tokens: TOKENS });
    const verdict = await judgeAttempts(
      [attempt(1, { linesChanged: 8 }), attempt(2, { status: 'failed', check: 'failed' }), attempt(3, { linesChanged: 4 })],
      judge,
    );
    expect(verdict).toMatchObject({ winner: 3, by: 'tie-break' });
    expect(verdict.reason).toContain('it picked agent 2, which is not one of the finalists');
  });
});

describe('a plan’s agents grouped by task', () => {
  it('groups consecutive attempts of the same task, and starts a task at each first attempt', () => {
    const task = (agent: number, attempt: number, title: string) => ({ agent, attempt, title });
    const groups = taskGroups([task(3, 1, 'B'), task(1, 1, 'A'), task(2, 2, 'A'), task(4, 2, 'B'), task(5, 1, 'C'), task(6, 1, 'C')]);
    expect(groups.map((group) => group.map((t) => t.agent))).toEqual([[1, 2], [3, 4], [5], [6]]);
  });
});
