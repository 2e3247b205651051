import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import { createGeminiClient } from '../../../src/llm/geminiClient.js';
import { proposePlan, type ProposePlanOptions } from '../../../src/llm/planner.js';
import { startGeminiServer, type GeminiScript, type GeminiServer } from '../../support/geminiServer.js';

const API_KEY = 'plan-key-AIzaSyZYXWVUTSRQPONM';

let server: GeminiServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

const start = async (script: GeminiScript): Promise<GeminiServer> => {
  server = await startGeminiServer(script);
  return server;
};

const propose = (gemini: GeminiServer, extra: Partial<ProposePlanOptions> = {}) =>
  proposePlan(createGeminiClient({ apiKey: API_KEY, baseUrl: gemini.url, timeoutMs: 10_000 }), {
    model: 'gemini-2.5-flash',
    change: 'Add a --verbose flag',
    prd: '# Verbose\n\n## Summary\n\nLog more.',
    trackedFiles: ['src/cli.ts', 'src/log.ts', 'README.md'],
    maxAgents: 3,
    retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
    ...extra,
  });

const TASKS = [
  { title: 'CLI flag', description: 'Parse --verbose in the CLI.', files: ['src/cli.ts'] },
  { title: 'Logger', description: 'Add a debug level.', files: ['src/log.ts', 'src/log.test.ts'] },
];

describe('plan proposal', () => {
  it('parses the structured JSON reply into tasks', async () => {
    const gemini = await start([{ json: { tasks: TASKS } }]);
    expect(await propose(gemini)).toEqual(TASKS);
  });

  it('asks for JSON with a response schema, non-streaming, with the PRD and the tracked files', async () => {
    const gemini = await start([{ json: TASKS }]);
    await propose(gemini);

    const [request] = gemini.requests;
    expect(request!.path).toBe('/v1/models/gemini-2.5-flash:generateContent');
    expect(request!.stream).toBe(false);
    expect(request!.apiKey).toBe(API_KEY);
    expect(request!.path).not.toContain(API_KEY);
    const body = request!.body as { generationConfig: { responseMimeType: string; responseSchema: unknown } };
    expect(body.generationConfig.responseMimeType).toBe('application/json');
    expect(body.generationConfig.responseSchema).toEqual({
      type: 'OBJECT',
      properties: {
        tasks: {
          type: 'ARRAY',
          items: {
            type: 'OBJECT',
            properties: {
              title: { type: 'STRING' },
              description: { type: 'STRING' },
              files: { type: 'ARRAY', items: { type: 'STRING' } },
            },
            required: ['title', 'description', 'files'],
          },
        },
      },
      required: ['tasks'],
    });
    expect(request!.prompt).toContain('Log more.');
    expect(request!.prompt).toContain('src/log.ts');
    expect(request!.prompt).toContain('at most 3 tasks');
  });

  it('trims strings and drops duplicate and empty paths', async () => {
    const gemini = await start([{ json: [{ title: '  Logger ', description: ' Do it. ', files: ['src/log.ts', ' src/log.ts', ''] }] }]);
    expect(await propose(gemini)).toEqual([{ title: 'Logger', description: 'Do it.', files: ['src/log.ts'] }]);
  });

  it('bad JSON once: asks again and uses the second answer', async () => {
    const gemini = await start([{ text: '[{"title": "half' }, { json: TASKS }]);
    expect(await propose(gemini)).toEqual(TASKS);
    expect(gemini.requests).toHaveLength(2);
  });

  it('a bare list of tasks (JSON mode without the schema) is read too', async () => {
    const gemini = await start([{ json: TASKS }]);
    expect(await propose(gemini)).toEqual(TASKS);
  });

  it('bad JSON twice: one-line UserError with the fix', async () => {
    const gemini = await start([{ text: 'not json' }, { json: { plan: TASKS } }]);
    const result = propose(gemini);
    await expect(result).rejects.toThrow(UserError);
    await expect(result).rejects.toThrow(
      'Gemini returned an unusable plan twice (no list of tasks): run again, or pass --files to choose the files yourself',
    );
    expect(gemini.requests).toHaveLength(2);
  });

  it('a task without files is a bad shape', async () => {
    const gemini = await start([{ json: [{ title: 'x', description: 'y' }] }]);
    await expect(propose(gemini)).rejects.toThrow('(task 1 has no list of files)');
  });

  it('429 then OK: retried like the PRD', async () => {
    const gemini = await start([{ error: 429 }, { json: TASKS }]);
    const retries: string[] = [];
    expect(await propose(gemini, { onRetry: (_attempt, _delay, reason) => retries.push(reason) })).toEqual(TASKS);
    expect(retries).toEqual(['429 rate limited']);
    expect(gemini.requests).toHaveLength(2);
  });

  it('401 stops at once', async () => {
    const gemini = await start([{ error: 401 }]);
    await expect(propose(gemini)).rejects.toThrow('Google API key rejected (401): check GEMINI_API_KEY or --api-key');
    expect(gemini.requests).toHaveLength(1);
  });
});
