import { describe, expect, it } from 'vitest';
import { toGeminiSchema } from '../../../src/llm/geminiClient.js';
import { BadDecisionError, DECISION_LIMITS, DECISION_SCHEMA, decisionRecord, parseDecision } from '../../../src/llm/supervisor.js';

const decision = (extra: Record<string, unknown> = {}) => ({
  progress: 'Parser done; the CLI flag is missing.',
  thought: 'The diff adds parse() but cli.ts is untouched.',
  action: 'instruct',
  message: 'Add the --verbose flag to src/cli.ts and pass it to parse().',
  future: 'One more turn, then the check.',
  ...extra,
});

const rejects = (value: unknown, problem: RegExp) => {
  expect(() => parseDecision(value)).toThrow(BadDecisionError);
  expect(() => parseDecision(value)).toThrow(problem);
};

describe('the decision schema', () => {
  it('asks for the five fields, all required, nothing else (OpenAI strict mode), the action as an enum', () => {
    expect(DECISION_SCHEMA).toMatchObject({
      type: 'object',
      required: ['progress', 'thought', 'action', 'message', 'future'],
      additionalProperties: false,
      properties: { action: { type: 'string', enum: ['instruct', 'check', 'finish'] } },
    });
    const properties = DECISION_SCHEMA.properties as Record<string, Record<string, unknown>>;
    expect(Object.keys(properties).sort()).toEqual(['action', 'future', 'message', 'progress', 'thought']);
    // Strict mode refuses maxLength: the limits are in the descriptions and in parseDecision.
    expect(JSON.stringify(DECISION_SCHEMA)).not.toContain('maxLength');
    expect(properties.progress!.description).toContain(String(DECISION_LIMITS.progress));
  });

  it('reaches Gemini as its own schema dialect, the action as format enum', () => {
    expect(toGeminiSchema(DECISION_SCHEMA)).toMatchObject({
      type: 'OBJECT',
      required: ['progress', 'thought', 'action', 'message', 'future'],
      properties: { action: { type: 'STRING', format: 'enum', enum: ['instruct', 'check', 'finish'] }, progress: { type: 'STRING' } },
    });
  });
});

describe('a decision is checked before anything acts on it', () => {
  it('takes a well-formed decision, trimmed, the progress on one line', () => {
    expect(parseDecision(decision({ progress: '  Parser done;\n  flag missing. ', action: ' Instruct ' }))).toEqual({
      progress: 'Parser done; flag missing.',
      thought: 'The diff adds parse() but cli.ts is untouched.',
      action: 'instruct',
      message: 'Add the --verbose flag to src/cli.ts and pass it to parse().',
      future: 'One more turn, then the check.',
    });
  });

  it('takes check and finish with an empty message', () => {
    expect(parseDecision(decision({ action: 'check', message: '' })).action).toBe('check');
    expect(parseDecision(decision({ action: 'finish', message: '' })).action).toBe('finish');
  });

  it('rejects what is not an object', () => {
    rejects(null, /not an object/);
    rejects([decision()], /not an object/);
    rejects('instruct', /not an object/);
  });

  it('rejects an action that is none of the three', () => {
    rejects(decision({ action: 'run_tests' }), /action "run_tests" is not instruct, check or finish/);
    rejects(decision({ action: 3 }), /action is not a string/);
    rejects(decision({ action: undefined }), /action is missing/);
  });

  it('rejects an instruct without a message', () => {
    rejects(decision({ message: '   ' }), /instruct without a message/);
  });

  it('rejects a missing or non-string field, and an empty progress', () => {
    rejects({ ...decision(), thought: undefined }, /thought is missing/);
    rejects(decision({ future: ['later'] }), /future is not a string/);
    rejects(decision({ progress: ' ' }), /progress is empty/);
  });

  it('rejects a field over its limit, naming it', () => {
    rejects(decision({ progress: 'x'.repeat(DECISION_LIMITS.progress + 1) }), /progress is 301 characters long, over the 300 allowed/);
    rejects(decision({ message: 'x'.repeat(DECISION_LIMITS.message + 1) }), /message is 4001 characters long/);
    rejects(decision({ action: 'finish', thought: 'x'.repeat(DECISION_LIMITS.thought + 1) }), /thought is/);
    expect(parseDecision(decision({ message: 'x'.repeat(DECISION_LIMITS.message) })).message).toHaveLength(DECISION_LIMITS.message);
  });
});

describe('each call is kept as a record for the summary and the log', () => {
  const usage = { prompt: 1200, completion: 80, total: 1280 };
  const at = new Date('2026-01-01T00:00:05Z');

  it('keeps a decision with its time, tokens and cost', () => {
    const decided = parseDecision(decision());
    expect(decisionRecord({ ok: true, decision: decided, usage }, at, 0.0004)).toEqual({
      time: '2026-01-01T00:00:05.000Z',
      ...decided,
      tokens: usage,
      cost: 0.0004,
    });
  });

  it('keeps a failure as action "failed" with its reason, so its tokens still count', () => {
    const reason = 'the supervisor model openai/x gave an unusable decision twice (not JSON)';
    expect(decisionRecord({ ok: false, reason, usage, cancelled: false }, at)).toEqual({
      time: '2026-01-01T00:00:05.000Z',
      action: 'failed',
      progress: '',
      thought: '',
      message: reason,
      future: '',
      tokens: usage,
      cost: 0,
    });
  });
});
