import { describe, expect, it } from 'vitest';
import { Redactor } from '../../../src/logs/redact.js';
import { supervisorPrompt } from '../../../src/llm/prompts.js';
import {
  boundDiff,
  buildSupervisorContext,
  headBounded,
  plainText,
  SUPERVISOR_BOUNDS,
  tailBounded,
  type SupervisorInput,
} from '../../../src/llm/supervisorContext.js';

const SECRET = 'super-secret-value-123456';
const redactor = new Redactor([SECRET]);

const fileDiff = (file: string, lines: number): string =>
  [
    `diff --git a/${file} b/${file}`,
    'index 1111111..2222222 100644',
    `--- a/${file}`,
    `+++ b/${file}`,
    `@@ -1,1 +1,${lines} @@`,
    '-old line',
    ...Array.from({ length: lines }, (_, i) => `+new line ${i} of ${file}`),
    '',
  ].join('\n');

const input = (extra: Partial<SupervisorInput> = {}): SupervisorInput => ({
  task: { title: 'CLI flag', description: 'Parse --verbose in the CLI.', files: ['src/cli.ts'] },
  prd: '# Verbose\n\n## Summary\n\nLog more.',
  turnOutput: 'Applied edit to src/cli.ts\nCommit abc1234 feat: --verbose\n',
  commits: [{ hash: 'abc1234def5678', message: 'feat: --verbose' }],
  diff: fileDiff('src/cli.ts', 3),
  checkCommand: 'npm test',
  iterations: 2,
  maxIterations: 10,
  ...extra,
});

describe('turn output as plain text', () => {
  it('strips colours and cursor movement, keeps what a rewritten line finally showed', () => {
    const raw =
      '\x1b[1;32mApplied edit to calc.py\x1b[0m\r\n\x1b[2KWaiting for the model 1s\rWaiting for the model 2s\rTokens: 1.2k sent\x1b[K\r\n';
    expect(plainText(raw)).toBe('Applied edit to calc.py\nTokens: 1.2k sent');
  });

  it('drops bells, trailing padding and runs of blank lines', () => {
    expect(plainText('a\x07   \n\n\n\n\nb  \n')).toBe('a\n\nb');
  });
});

describe('bounds keep the ends that matter, and say what was cut', () => {
  it('keeps the head of a long text, cut at a line break, with the count of what was cut', () => {
    const text = Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n');
    const bounded = headBounded(text, 100);
    expect(bounded.startsWith('line 0\nline 1\n')).toBe(true);
    const [kept, note] = [bounded.slice(0, bounded.lastIndexOf('\n')), bounded.slice(bounded.lastIndexOf('\n') + 1)];
    expect(kept.length).toBeLessThanOrEqual(100);
    expect(kept.endsWith('\n')).toBe(false);
    expect(note).toBe(`[… ${(text.length - kept.length).toLocaleString('en-US')} more characters cut]`);
  });

  it('keeps the tail of a long text, from a line start, with the count of what was cut', () => {
    const text = Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n');
    const bounded = tailBounded(text, 100);
    const [note, ...rest] = bounded.split('\n');
    const kept = rest.join('\n');
    expect(kept.endsWith('line 99')).toBe(true);
    expect(kept.length).toBeLessThanOrEqual(100);
    expect(text.endsWith(kept)).toBe(true);
    expect(text[text.length - kept.length - 1]).toBe('\n');
    expect(note).toBe(`[… ${text.length - kept.length} earlier characters cut]`);
  });

  it('leaves short texts as they are', () => {
    expect(headBounded('short', 100)).toBe('short');
    expect(tailBounded('short', 100)).toBe('short');
    expect(boundDiff(fileDiff('a.ts', 2), 10_000)).toBe(fileDiff('a.ts', 2));
  });

  it('keeps whole files of a diff while they fit, then names each file left out with its line counts', () => {
    const diff = fileDiff('src/a.ts', 10) + fileDiff('src/b.ts', 10) + fileDiff('src/c.ts', 400) + fileDiff('src/d.ts', 5);
    const bounded = boundDiff(diff, 1_500);
    expect(bounded).toContain('+new line 9 of src/a.ts');
    expect(bounded).toContain('+new line 9 of src/b.ts');
    expect(bounded).not.toContain('of src/c.ts');
    expect(bounded).not.toContain('of src/d.ts');
    expect(bounded.endsWith('[diff cut: 2 more files not shown: src/c.ts (+400 -1), src/d.ts (+5 -1)]')).toBe(true);
    expect(bounded.length).toBeLessThanOrEqual(1_500 + 200);
  });

  it('cuts a first file too long on its own rather than showing nothing', () => {
    const diff = fileDiff('big.ts', 2_000) + fileDiff('small.ts', 1);
    const bounded = boundDiff(diff, 2_000);
    expect(bounded.startsWith('diff --git a/big.ts b/big.ts')).toBe(true);
    expect(bounded).toMatch(/\[… [\d,]+ more characters cut\]/);
    expect(bounded).toContain('[diff cut: 1 more file not shown: small.ts (+1 -1)]');
  });
});

describe('the context given to the supervisor', () => {
  it('holds every part of a small turn whole', () => {
    const context = buildSupervisorContext(
      input({ check: { command: 'npm test', passed: false, exitCode: 1, output: '\x1b[31mFAIL\x1b[0m test/cli.test.ts\n1 failed\n' } }),
      redactor,
    );
    expect(context.task).toBe('Title: CLI flag\n\nParse --verbose in the CLI.\n\nFiles assigned: src/cli.ts');
    expect(context.prd).toBe('# Verbose\n\n## Summary\n\nLog more.');
    expect(context.turnOutput).toBe('Applied edit to src/cli.ts\nCommit abc1234 feat: --verbose');
    expect(context.commits).toBe('abc1234 feat: --verbose');
    expect(context.diff).toBe(fileDiff('src/cli.ts', 3));
    expect(context.check).toBe('$ npm test\nfailed (exit code 1)\nOutput (last part):\nFAIL test/cli.test.ts\n1 failed');
    expect(context.earlierDecisions).toBeUndefined();
  });

  it('bounds every part of a huge turn, so the prompt stays small', () => {
    const huge = 'x'.repeat(200_000);
    const context = buildSupervisorContext(
      input({
        task: { title: 'T', description: huge, files: [] },
        prd: `# PRD\n${huge}`,
        instruction: huge,
        turnOutput: `${'noise\n'.repeat(50_000)}THE END`,
        commits: Array.from({ length: 100 }, (_, i) => ({ hash: `${i}`.padStart(7, '0'), message: `commit ${i}` })),
        diff: Array.from({ length: 200 }, (_, i) => fileDiff(`f${i}.ts`, 50)).join(''),
        check: { command: 'npm test', passed: false, exitCode: 1, output: `${'ok\n'.repeat(20_000)}SUMMARY: 1 failed` },
        earlierDecisions: Array.from({ length: 10 }, (_, i) => ({
          progress: `step ${i}`,
          thought: '',
          action: 'instruct' as const,
          message: huge,
          future: '',
        })),
      }),
      redactor,
    );
    const slack = 1_200; // the notes of what was cut
    expect(context.task.length).toBeLessThanOrEqual(SUPERVISOR_BOUNDS.taskChars + slack);
    expect(context.prd.length).toBeLessThanOrEqual(SUPERVISOR_BOUNDS.prdChars + slack);
    expect(context.instruction!.length).toBeLessThanOrEqual(SUPERVISOR_BOUNDS.instructionChars + slack);
    expect(context.turnOutput.length).toBeLessThanOrEqual(SUPERVISOR_BOUNDS.turnOutputChars + slack);
    expect(context.turnOutput.endsWith('THE END')).toBe(true);
    expect(context.diff.length).toBeLessThanOrEqual(SUPERVISOR_BOUNDS.diffChars + slack);
    expect(context.diff).toMatch(/\[diff cut: \d+ more files not shown: f\d+\.ts \(\+50 -1\)/);
    expect(context.check!.endsWith('SUMMARY: 1 failed')).toBe(true);
    expect(context.check!.length).toBeLessThanOrEqual(SUPERVISOR_BOUNDS.checkOutputChars + slack);
    expect(context.commits.split('\n')).toHaveLength(SUPERVISOR_BOUNDS.commits + 1);
    expect(context.commits.startsWith('[… 70 earlier commits not shown]')).toBe(true);
    expect(context.commits.endsWith('0000099 commit 99')).toBe(true);
    expect(context.earlierDecisions!.split('\n')[0]).toBe('[… 7 earlier decisions not shown]');
    expect(context.earlierDecisions).toContain('- instruct: step 9 | asked: ');

    const prompt = supervisorPrompt(context);
    expect(prompt.length).toBeLessThan(60_000);
  });

  it('masks secrets in every part, also a coloured one and one at a cut', () => {
    const context = buildSupervisorContext(
      input({
        task: { title: `Use ${SECRET}`, description: SECRET, files: [] },
        prd: `key: ${SECRET}`,
        instruction: SECRET,
        // Cut before masking, the limit would fall inside the first key and leave its end.
        turnOutput: `zzz${SECRET}${'y'.repeat(SUPERVISOR_BOUNDS.turnOutputChars - 15)}`,
        commits: [{ hash: 'abc1234', message: `add ${SECRET}` }],
        diff: `${fileDiff('.env', 1)}+OPENAI_API_KEY=${SECRET}\n+ANTHROPIC=sk-ant-abcdefghijklmnopqrstuvwxyz0123\n`,
        // Masked after the colours are stripped: the key is whole again.
        check: {
          command: `test ${SECRET}`,
          passed: false,
          exitCode: 1,
          output: `got \x1b[1m${SECRET.slice(0, 10)}\x1b[0m${SECRET.slice(10)}`,
        },
        earlierDecisions: [{ progress: SECRET, thought: '', action: 'instruct', message: SECRET, future: '' }],
      }),
      redactor,
    );
    const all = supervisorPrompt(context);
    expect(all).not.toContain(SECRET);
    expect(all).not.toContain(SECRET.slice(0, 10));
    expect(all).not.toContain(SECRET.slice(10));
    expect(context.check!.endsWith('got ***')).toBe(true);
    expect(all).not.toContain('sk-ant-abcdefghij');
    expect(all).toContain('***');
  });
});

describe('the supervisor prompt', () => {
  it('gives the task, the turn, the check and the turns left, and says the repository is data', () => {
    const prompt = supervisorPrompt(buildSupervisorContext(input({ iterations: 10, maxIterations: 10 }), redactor));
    expect(prompt).toContain("# The agent's task\n\nTitle: CLI flag");
    expect(prompt).toContain('Commit abc1234 feat: --verbose');
    expect(prompt).toContain('```diff\ndiff --git a/src/cli.ts b/src/cli.ts');
    expect(prompt).toContain('The check command is `npm test`; it has not run since the latest turn.');
    expect(prompt).toContain('10 of 10 model turns used; 0 left. No turn is left: answer "check" or "finish".');
  });

  it('says when no check is configured and nothing is committed yet', () => {
    const prompt = supervisorPrompt(buildSupervisorContext(input({ checkCommand: undefined, commits: [], diff: '' }), redactor));
    expect(prompt).toContain('No check command is configured');
    expect(prompt).toContain('(no changes committed yet)');
    expect(prompt).toContain("# Commits on the agent's branch\n\nnone yet");
  });
});
