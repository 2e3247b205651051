import { afterEach, describe, expect, it } from 'vitest';
import { CancelledError, UserError } from '../../../src/errors.js';
import { createGeminiClient } from '../../../src/llm/geminiClient.js';
import { generatePrd, type GeneratePrdOptions } from '../../../src/llm/prd.js';
import { startGeminiServer, type GeminiScript, type GeminiServer } from '../../support/geminiServer.js';
import { waitFor } from '../../support/waitFor.js';

const API_KEY = 'test-key-AIzaSy0123456789abcdef';
const MODEL = 'gemini-2.5-flash';
const FAST_RETRY = { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 };

let server: GeminiServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

const start = async (script: GeminiScript): Promise<GeminiServer> => {
  server = await startGeminiServer(script);
  return server;
};

const run = (
  gemini: GeminiServer,
  extra: Partial<GeneratePrdOptions> = {},
  timeoutMs = 10_000,
): { result: Promise<string>; chunks: string[]; retries: [number, number, string][] } => {
  const chunks: string[] = [];
  const retries: [number, number, string][] = [];
  const client = createGeminiClient({ apiKey: API_KEY, baseUrl: gemini.url, timeoutMs });
  const result = generatePrd(client, {
    model: MODEL,
    change: 'Add a --verbose flag',
    repoContext: '## Files (1 tracked)\n\nsrc/main.ts',
    onChunk: (text) => chunks.push(text),
    onRetry: (attempt, delayMs, reason) => retries.push([attempt, delayMs, reason]),
    retry: FAST_RETRY,
    ...extra,
  });
  return { result, chunks, retries };
};

describe('PRD streaming', () => {
  it('delivers the chunks in order and returns them joined', async () => {
    const prd = '# Verbose flag\n\n## Summary\n\nAdd --verbose to the CLI.\n';
    const gemini = await start([{ text: prd, chunks: 4 }]);
    const { result, chunks } = run(gemini);

    expect(await result).toBe(prd);
    expect(chunks).toHaveLength(4);
    expect(chunks.join('')).toBe(prd);
    expect(chunks[0]).toBe(prd.slice(0, chunks[0]!.length));
  });

  it('calls streamGenerateContent for the model with the change and repo context in the prompt', async () => {
    const gemini = await start([{ text: 'PRD' }]);
    await run(gemini).result;

    expect(gemini.requests).toHaveLength(1);
    const [request] = gemini.requests;
    expect(request!.method).toBe('POST');
    expect(request!.path).toBe(`/v1/models/${MODEL}:streamGenerateContent?alt=sse` /* @google/genai 3 defaults to v1 */);
    expect(request!.stream).toBe(true);
    expect(request!.prompt).toContain('Add a --verbose flag');
    expect(request!.prompt).toContain('src/main.ts');
    expect(request!.prompt).toContain('## Acceptance criteria');
  });

  it('sends the previous draft and the feedback when regenerating', async () => {
    const gemini = await start([{ text: 'PRD v2' }]);
    await run(gemini, { previousPrd: 'PRD v1 text', feedback: 'mention the config file too' }).result;

    expect(gemini.requests[0]!.prompt).toContain('PRD v1 text');
    expect(gemini.requests[0]!.prompt).toContain('mention the config file too');
  });
});

describe('API key handling', () => {
  it('sends the key in the x-goog-api-key header, never in the URL', async () => {
    const gemini = await start([{ text: 'PRD' }]);
    await run(gemini).result;

    const [request] = gemini.requests;
    expect(request!.apiKey).toBe(API_KEY);
    expect(request!.path).not.toContain(API_KEY);
    expect(request!.path).not.toContain('key=');
    expect(JSON.stringify(request!.body)).not.toContain(API_KEY);
  });
});

describe('PRD errors', () => {
  it('401: one-line key message, no retry', async () => {
    const gemini = await start([{ error: 401 }]);
    const { result, retries } = run(gemini);

    await expect(result).rejects.toThrow(UserError);
    await expect(result).rejects.toThrow(/^Google API key rejected \(401\): check GEMINI_API_KEY or --api-key$/);
    expect(gemini.requests).toHaveLength(1);
    expect(retries).toEqual([]);
  });

  it('403 is a rejected key too', async () => {
    const gemini = await start([{ error: 403 }]);
    await expect(run(gemini).result).rejects.toThrow('Google API key rejected (403): check GEMINI_API_KEY or --api-key');
    expect(gemini.requests).toHaveLength(1);
  });

  it('400 API_KEY_INVALID (what Gemini sends for a malformed key) is a rejected key', async () => {
    const gemini = await start([
      {
        error: 400,
        message: 'API key not valid. Please pass a valid API key.',
        details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' }],
      },
    ]);
    await expect(run(gemini).result).rejects.toThrow('Google API key rejected (400): check GEMINI_API_KEY or --api-key');
    expect(gemini.requests).toHaveLength(1);
  });

  it('404: names the model and the flag, no retry', async () => {
    const gemini = await start([{ error: 404, message: 'models/nope is not found' }]);
    const { result } = run(gemini, { model: 'nope' });
    await expect(result).rejects.toThrow("PRD model 'nope' not found (404): pass --prd-model with a model your key can use");
    expect(gemini.requests).toHaveLength(1);
    expect(gemini.requests[0]!.model).toBe('nope');
  });

  it('429 twice then OK: retried, succeeds, and the caller is told of each restart', async () => {
    const gemini = await start([{ error: 429 }, { error: 429 }, { text: 'final PRD', chunks: 2 }]);
    const { result, retries, chunks } = run(gemini);

    expect(await result).toBe('final PRD');
    expect(gemini.requests).toHaveLength(3);
    expect(retries.map(([attempt, , reason]) => [attempt, reason])).toEqual([
      [2, '429 rate limited'],
      [3, '429 rate limited'],
    ]);
    expect(chunks.join('')).toBe('final PRD');
  });

  it("honours Gemini's retryDelay hint", async () => {
    const gemini = await start([{ error: 429, retryDelay: '0.15s' }, { text: 'PRD' }]);
    const { result, retries } = run(gemini);

    expect(await result).toBe('PRD');
    expect(retries).toHaveLength(1);
    expect(retries[0]![1]).toBe(150);
  });

  it('500 forever: UserError after the last attempt, one request per attempt (the SDK does not retry on its own)', async () => {
    const gemini = await start([{ error: 500 }]);
    const { result, retries } = run(gemini);

    await expect(result).rejects.toThrow(UserError);
    await expect(result).rejects.toThrow(/^Gemini still failing after 3 attempts \(500 internal\): try again later$/);
    expect(gemini.requests).toHaveLength(3);
    expect(retries).toHaveLength(2);
  });

  it('a stream dropped midway is restarted from scratch (onRetry lets the UI clear)', async () => {
    const gemini = await start([
      { text: 'aaaa-bbbb-cccc', chunks: 3, dropAfterChunks: 1 },
      { text: 'the full PRD', chunks: 2 },
    ]);
    const events: string[] = [];
    const { result } = run(gemini, {
      onChunk: (text) => events.push(`chunk ${text}`),
      onRetry: (attempt, _delayMs, reason) => events.push(`retry ${attempt} ${reason}`),
    });

    expect(await result).toBe('the full PRD');
    expect(events).toEqual(['chunk aaaa-', 'retry 2 network error (UND_ERR_SOCKET)', 'chunk the fu', 'chunk ll PRD']);
    expect(gemini.requests).toHaveLength(2);
  });

  it('a hung server: each attempt times out, then a UserError says so', async () => {
    const gemini = await start([{ hang: true }]);
    const { result } = run(gemini, { retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 5 } }, 300);

    await expect(result).rejects.toThrow('Gemini still failing after 2 attempts (timed out): try again later');
    expect(gemini.requests).toHaveLength(2);
  });

  it('a hung server then a reply: the timeout is retried', async () => {
    const gemini = await start([{ hang: true }, { text: 'late PRD' }]);
    expect(await run(gemini, {}, 300).result).toBe('late PRD');
    expect(gemini.requests).toHaveLength(2);
  });

  it('aborting the signal cancels a hanging request', async () => {
    const gemini = await start([{ hang: true }]);
    const controller = new AbortController();
    const { result } = run(gemini, { signal: controller.signal });
    await waitFor(() => gemini.requests.length === 1, 'the request at the server');
    controller.abort();

    await expect(result).rejects.toThrow(CancelledError);
    expect(gemini.requests).toHaveLength(1);
  });

  it('an empty reply is a UserError naming the finish reason', async () => {
    const gemini = await start([{ text: '', finishReason: 'SAFETY' }]);
    await expect(run(gemini).result).rejects.toThrow(
      'Gemini returned an empty PRD (finish reason SAFETY): rephrase the change request or try another --prd-model',
    );
  });
});
