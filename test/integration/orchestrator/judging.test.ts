import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { emptyUsage } from '../../../src/agents/types.js';
import { pickAttempt } from '../../../src/llm/judge.js';
import { createLlmClient } from '../../../src/llm/modelRouter.js';
import { Redactor } from '../../../src/logs/redact.js';
import type { AgentSummary } from '../../../src/logs/types.js';
import { AttemptJudging, type Attempt, type TaskVerdict } from '../../../src/orchestrator/judging.js';
import { startGeminiServer, type GeminiReply, type GeminiServer } from '../../support/geminiServer.js';
import { makeTempDir, makeTempRepo } from '../../support/gitRepo.js';
import { cleanUp } from '../../support/cleanUp.js';

// Best of n with the real judge: two attempts at one task, each a real worktree and branch with its
// own commit, judged by the supervisor model through the app's client against the Gemini stand-in.

const SECRET = 'AIza-judge-secret-0123456789abcdef';
const MODEL = 'gemini/gemini-2.5-flash';
const FAST_RETRY = { attempts: 2, baseDelayMs: 5, maxDelayMs: 10 };

/** A repo and two finished attempts at "Add subtract()": agent 1 small, agent 2 larger (and leaking a key in a comment). */
const twoAttempts = async () => {
  const repo = await makeTempRepo({ 'calc.py': 'def add(a, b):\n    return a + b\n' });
  const data = makeTempDir('ao-judge-');
  cleanUp(repo.cleanup, data.cleanup);
  const base = (await repo.git('rev-parse', 'HEAD')).trim();
  const versions: Record<number, string> = {
    1: 'def add(a, b):\n    return a + b\n\n\ndef subtract(a, b):\n    return a - b\n',
    2: `def add(a, b):\n    return a + b\n\n\n# key ${SECRET}\ndef subtract(a, b):\n    result = a\n    result -= b\n    return result\n`,
  };
  const attempts: Attempt[] = [];
  for (const id of [1, 2]) {
    const worktree = path.join(data.dir, `agent-${id}`);
    await repo.git('worktree', 'add', '-q', '-b', `aider-orchestrator/test/agent-${id}`, worktree, base);
    fs.writeFileSync(path.join(worktree, 'calc.py'), versions[id]!);
    await execa('git', ['commit', '-qam', `subtract, attempt ${id}`], { cwd: worktree });
    attempts.push({
      id,
      task: { agent: id, attempt: id, title: 'Add subtract()', description: 'Add subtract(a, b) to calc.py.', files: ['calc.py'] },
      state: 'succeeded',
      usage: { ...emptyUsage(), cost: id === 1 ? 0.02 : 0.01 },
      worktree,
      checkResult: 'passed',
      stop: async () => undefined,
    });
  }
  return { base, attempts };
};

const judged = async (script: GeminiReply[], checkCommand = 'pytest') => {
  const { base, attempts } = await twoAttempts();
  const gemini: GeminiServer = await startGeminiServer(script);
  cleanUp(() => gemini.close());
  const client = createLlmClient({ env: {}, geminiApiKey: 'AIza-test-key', geminiBaseUrl: gemini.url, timeoutMs: 10_000 });
  const redactor = new Redactor([SECRET]);
  const verdicts: TaskVerdict[] = [];
  const judging = new AttemptJudging({
    attempts,
    baseCommit: base,
    checkCommand,
    firstWins: false,
    judge: (input) => pickAttempt(client, input, { model: MODEL, redactor, retry: FAST_RETRY }),
    onVerdict: (verdict) => verdicts.push(verdict),
  });
  for (const attempt of attempts) judging.ended(attempt.id);
  const settled = await judging.settle();
  return { gemini, verdicts, settled, judging };
};

describe('the judge model picks among attempts that all passed the check', () => {
  it('takes its pick and one-line reason, and sends it the task and both diffs, masked', async () => {
    const { gemini, verdicts, settled, judging } = await judged([
      { json: { attempt: '2', reason: 'Both work;   agent 2\nnames the intermediate result.' } },
    ]);
    expect(gemini.requests).toHaveLength(1);
    const request = gemini.requests[0]!;
    expect(request.prompt).toContain('Add subtract(a, b) to calc.py.');
    expect(request.prompt).toContain('+    return a - b');
    expect(request.prompt).toContain('+    result -= b');
    expect(request.prompt).not.toContain(SECRET);
    expect(JSON.stringify((request.body as { generationConfig?: unknown }).generationConfig)).toMatch(/"enum":\["1","2"\]/);

    expect(verdicts).toHaveLength(1);
    expect(settled.get(1)).toMatchObject({
      task: 1,
      attempts: [1, 2],
      winner: 2,
      by: 'model',
      reason: 'Both work; agent 2 names the intermediate result.',
    });
    expect(settled.get(1)!.tokens!.total).toBeGreaterThan(0);

    const summaries = judging.annotate([{ id: 1 } as AgentSummary, { id: 2 } as AgentSummary]);
    expect(summaries[0]).toMatchObject({ attempt: { task: 1, attempt: 1, of: 2 }, winner: false });
    expect(summaries[0]!.judgement).toBeUndefined();
    expect(summaries[1]).toMatchObject({ attempt: { task: 1, attempt: 2, of: 2 }, winner: true, judgement: { by: 'model' } });

    // The user picks the other attempt on the summary: the verdict names the one it replaces.
    const picked = judging.pick(1);
    expect(picked).toMatchObject({ winner: 1, by: 'user' });
    expect(picked.reason).toBe(
      'picked on the summary screen instead of agent 2 (model: Both work; agent 2 names the intermediate result.)',
    );
    expect(verdicts.at(-1)).toBe(picked);
    const after = judging.annotate(summaries);
    expect(after.map((agent) => [agent.id, agent.winner, agent.judgement?.by])).toEqual([
      [1, true, 'user'],
      [2, false, undefined],
    ]);
  });

  it('falls back to the smaller diff after junk twice, and says the model failed', async () => {
    const { gemini, settled } = await judged([{ json: { attempt: '7', reason: 'the seventh' } }, { text: 'not json at all' }]);
    expect(gemini.requests).toHaveLength(2);
    const verdict = settled.get(1)!;
    expect(verdict.winner).toBe(1);
    expect(verdict.by).toBe('tie-break');
    expect(verdict.reason).toMatch(
      /^the judge model failed \(gemini\/gemini-2\.5-flash gave an unusable answer twice: .+\); smaller diff: 4 lines changed against 7 \(agent 2\)$/,
    );
  });

  it('falls back to the tie-break when the model keeps failing (500)', async () => {
    const { gemini, settled } = await judged([{ error: 500, message: 'backend down' }]);
    expect(gemini.requests).toHaveLength(FAST_RETRY.attempts);
    expect(settled.get(1)).toMatchObject({ winner: 1, by: 'tie-break' });
    expect(settled.get(1)!.reason).toMatch(/^the judge model failed \(gemini\/gemini-2\.5-flash: .*500.*\); smaller diff/);
  });
});
