import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { CancelledError, UserError } from '../../../src/errors.js';
import { createLlmClient } from '../../../src/llm/modelRouter.js';
import { proposePlan } from '../../../src/llm/planner.js';
import { generatePrd } from '../../../src/llm/prd.js';
import { startGeminiServer } from '../../support/geminiServer.js';
import { startAnthropicServer, type MessagesReply, type RecordedMessagesRequest } from '../../support/anthropicServer.js';
import { startOpenAiServer, type ChatReply, type RecordedChatRequest } from '../../support/openaiServer.js';
import { waitFor } from '../../support/waitFor.js';

// The PRD and plan on the providers the Vercel AI SDK serves, each against a local server that
// speaks its wire protocol: OpenAI chat completions and Anthropic Messages (SSE).

const FAST_RETRY = { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 };
const TASKS = [
  { title: 'CLI flag', description: 'Parse --verbose in the CLI.', files: ['src/cli.ts'] },
  { title: 'Logger', description: 'Add a debug level.', files: ['src/log.ts'] },
];
const PRD = '# Verbose flag\n\n## Summary\n\nAdd --verbose to the CLI.\n';

/** The replies both stand-ins understand the same way. */
type Reply =
  | { text: string; chunks?: number; dropAfterChunks?: number }
  | { json: unknown }
  | { error: number; message?: string; headers?: Record<string, string> }
  | { hang: true };

interface Served {
  url: string;
  /** Requests as both stand-ins record them. */
  requests: (RecordedChatRequest | RecordedMessagesRequest)[];
  close(): Promise<void>;
}

interface Provider {
  name: string;
  model: string;
  keyVar: string;
  baseVar: string;
  start(script: Reply[]): Promise<Served>;
  /** The key as the server received it. */
  keyOf(request: Served['requests'][number]): string | undefined;
}

const KEY = 'test-provider-key-0123456789';

const PROVIDERS: Provider[] = [
  {
    name: 'OpenAI',
    model: 'openai/test-model',
    keyVar: 'OPENAI_API_KEY',
    baseVar: 'OPENAI_API_BASE',
    start: (script) => startOpenAiServer(script as ChatReply[]),
    keyOf: (request) => ('authorization' in request ? request.authorization?.replace(/^Bearer /, '') : undefined),
  },
  {
    name: 'Anthropic',
    model: 'anthropic/test-model',
    keyVar: 'ANTHROPIC_API_KEY',
    baseVar: 'ANTHROPIC_API_BASE',
    start: (script) => startAnthropicServer(script as MessagesReply[]),
    keyOf: (request) => ('apiKey' in request ? request.apiKey : undefined),
  },
];

let server: Served | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const clientFor = (provider: Provider, served: Served, timeoutMs = 10_000) =>
  createLlmClient({ env: { [provider.keyVar]: KEY, [provider.baseVar]: served.url }, geminiApiKey: undefined, timeoutMs });

const prd = (provider: Provider, served: Served, extra: { signal?: AbortSignal; timeoutMs?: number } = {}) => {
  const chunks: string[] = [];
  const retries: [number, number, string][] = [];
  const result = generatePrd(clientFor(provider, served, extra.timeoutMs), {
    model: provider.model,
    change: 'Add a --verbose flag',
    repoContext: '## Files (1 tracked)\n\nsrc/main.ts',
    onChunk: (text) => chunks.push(text),
    onRetry: (attempt, delayMs, reason) => retries.push([attempt, delayMs, reason]),
    retry: FAST_RETRY,
    signal: extra.signal,
  });
  return { result, chunks, retries };
};

const plan = (provider: Provider, served: Served) =>
  proposePlan(clientFor(provider, served), {
    model: provider.model,
    change: 'Add a --verbose flag',
    prd: PRD,
    trackedFiles: ['src/cli.ts', 'src/log.ts'],
    maxAgents: 2,
    retry: FAST_RETRY,
  });

describe.each(PROVIDERS)('$name: PRD and plan', (provider) => {
  const start = async (script: Reply[]) => (server = await provider.start(script));

  it('streams the PRD piece by piece, with the key in a header and the model id without its prefix', async () => {
    const served = await start([{ text: PRD, chunks: 4 }]);
    const { result, chunks } = prd(provider, served);

    expect(await result).toBe(PRD);
    expect(chunks).toHaveLength(4);
    expect(chunks.join('')).toBe(PRD);
    const [request] = served.requests;
    expect(request!.stream).toBe(true);
    expect(request!.model).toBe('test-model');
    expect(provider.keyOf(request!)).toBe(KEY);
    expect(request!.text).toContain('Add a --verbose flag');
    expect(request!.text).toContain('## Acceptance criteria');
    expect(JSON.stringify(request)).not.toContain('openai/test-model');
  });

  it('gets the plan as structured output', async () => {
    const served = await start([{ json: { tasks: TASKS } }]);
    expect(await plan(provider, served)).toEqual(TASKS);
    expect(served.requests).toHaveLength(1);
    expect(served.requests[0]!.stream).toBe(false);
    expect(served.requests[0]!.text).toContain('Add --verbose to the CLI.');
  });

  it('an answer that is not JSON, twice: one line saying so', async () => {
    const served = await start([{ text: 'Sure! Here is the plan: ...' }]);
    await expect(plan(provider, served)).rejects.toThrow(
      `${provider.name} returned an unusable plan twice (not JSON): run again, or pass --files to choose the files yourself`,
    );
    expect(served.requests).toHaveLength(2);
  });

  it.each([401, 403])('%i: one line naming the key variable, no retry', async (status) => {
    const served = await start([{ error: status, message: 'invalid x-api-key' }]);
    const { result, retries } = prd(provider, served);
    await expect(result).rejects.toThrow(UserError);
    await expect(result).rejects.toThrow(new RegExp(`^${provider.name} API key rejected \\(${status}\\): check ${provider.keyVar}$`));
    expect(served.requests).toHaveLength(1);
    expect(retries).toEqual([]);
  });

  it('404: names the model, the flag and the endpoint variable, no retry', async () => {
    const served = await start([{ error: 404, message: 'model: test-model' }]);
    await expect(prd(provider, served).result).rejects.toThrow(
      `PRD model '${provider.model}' not found (404): pass --prd-model with a model your ${provider.name} account can use, or check ${provider.baseVar}`,
    );
    await expect(plan(provider, served)).rejects.toThrow(/^PRD model .* not found \(404\)/);
    expect(served.requests).toHaveLength(2);
  });

  it('400: the server’s message in one line', async () => {
    const served = await start([{ error: 400, message: 'max_tokens:\n too large' }]);
    await expect(prd(provider, served).result).rejects.toThrow(
      `${provider.name} rejected the request (400 max_tokens: too large): check --prd-model and your ${provider.name} account`,
    );
  });

  it('429 then 500 then the PRD: retried with backoff, the stream starts over each time', async () => {
    const served = await start([{ error: 429 }, { error: 500 }, { text: PRD, chunks: 2 }]);
    const { result, retries, chunks } = prd(provider, served);
    expect(await result).toBe(PRD);
    expect(retries.map(([attempt, , reason]) => [attempt, reason])).toEqual([
      [2, '429 rate limited'],
      [3, expect.stringMatching(/^500 (server|api) error$/)],
    ]);
    expect(chunks.join('')).toBe(PRD);
    expect(served.requests).toHaveLength(3);
  });

  it("honours the server's retry-after", async () => {
    const served = await start([{ error: 429, headers: { 'retry-after': '1' } }, { json: { tasks: TASKS } }]);
    const retries: number[] = [];
    const result = await proposePlan(clientFor(provider, served), {
      model: provider.model,
      change: 'x',
      prd: PRD,
      trackedFiles: [],
      maxAgents: 2,
      retry: FAST_RETRY,
      onRetry: (_attempt, delayMs) => retries.push(delayMs),
    });
    expect(result).toEqual(TASKS);
    expect(retries).toEqual([1000]);
  });

  it('500 forever: one line after the last attempt, one request per attempt (the SDK does not retry on its own)', async () => {
    const served = await start([{ error: 500 }]);
    const { result } = prd(provider, served);
    await expect(result).rejects.toThrow(
      new RegExp(`^${provider.name} still failing after 3 attempts \\(500 (server|api) error\\): try again later$`),
    );
    expect(served.requests).toHaveLength(3);
  });

  it('a stream cut off midway is restarted from scratch', async () => {
    const served = await start([
      { text: 'aaaa-bbbb-cccc', chunks: 3, dropAfterChunks: 1 },
      { text: 'the full PRD', chunks: 2 },
    ]);
    const { result, retries, chunks } = prd(provider, served);
    expect(await result).toBe('the full PRD');
    expect(retries.map(([attempt, , reason]) => [attempt, reason])).toEqual([[2, 'network error (UND_ERR_SOCKET)']]);
    expect(chunks).toEqual(['aaaa-', 'the fu', 'll PRD']);
  });

  it('a hung server: the attempt times out and is retried', async () => {
    const served = await start([{ hang: true }, { text: 'late PRD' }]);
    const { result, retries } = prd(provider, served, { timeoutMs: 300 });
    expect(await result).toBe('late PRD');
    expect(retries.map(([, , reason]) => reason)).toEqual(['timed out']);
  });

  it('aborting the signal cancels a hanging request', async () => {
    const served = await start([{ hang: true }]);
    const controller = new AbortController();
    const { result } = prd(provider, served, { signal: controller.signal });
    await waitFor(() => served.requests.length > 0, 'the request at the server');
    controller.abort();
    await expect(result).rejects.toThrow(CancelledError);
    expect(served.requests).toHaveLength(1);
  });

  it('nothing listening at the endpoint variable: one line naming it, at once (waiting would not help)', async () => {
    const served = await start([{ text: 'unused' }]);
    const url = served.url;
    await served.close();
    server = undefined;
    const { result, retries } = prd(provider, { ...served, url });
    await expect(result).rejects.toThrow(
      new RegExp(
        `^cannot reach the PRD model's server http://127\\.0\\.0\\.1:\\d+(/v1)? \\(ECONNREFUSED\\): start it, or fix ${provider.baseVar} in the environment or \\.env$`,
      ),
    );
    expect(retries).toEqual([]);
  });
});

describe('the requests each SDK provider sends', () => {
  it('OpenAI: json_schema response format, strict, named', async () => {
    const openai = await startOpenAiServer([{ json: { tasks: TASKS } }]);
    server = openai;
    await plan(PROVIDERS[0]!, openai);
    expect(openai.requests[0]!.responseFormat).toMatchObject({
      type: 'json_schema',
      json_schema: { name: 'plan', strict: true, schema: { type: 'object', required: ['tasks'] } },
    });
  });

  it('Anthropic: a forced tool for older models, output_config for ones with native structured output', async () => {
    const anthropic = await startAnthropicServer([{ json: { tasks: TASKS } }]);
    server = anthropic;
    await plan(PROVIDERS[1]!, anthropic);
    await plan({ ...PROVIDERS[1]!, model: 'anthropic/claude-sonnet-4-5' }, anthropic);
    expect(anthropic.requests.map((request) => request.structured)).toEqual([
      { tool: 'json' },
      { format: expect.objectContaining({ type: 'json_schema' }) },
    ]);
    expect(anthropic.requests.every((request) => request.version === '2023-06-01')).toBe(true);
  });

  it('Anthropic: ANTHROPIC_BASE_URL works too, with or without /v1', async () => {
    const anthropic = await startAnthropicServer([{ text: 'PRD' }]);
    server = anthropic;
    for (const url of [anthropic.url, `${anthropic.url}/v1`]) {
      const client = createLlmClient({ env: { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: url }, geminiApiKey: undefined });
      const text = await generatePrd(client, {
        model: 'claude-sonnet-4-5',
        change: 'x',
        repoContext: '',
        onChunk: () => {},
        retry: FAST_RETRY,
      });
      expect(text).toBe('PRD');
    }
    expect(anthropic.requests.map((request) => request.model)).toEqual(['claude-sonnet-4-5', 'claude-sonnet-4-5']);
  });

  it("Gemini stays on Google's SDK: gemini/<name>, a bare gemini-* name and aider's alias reach it by their bare ids", async () => {
    const gemini = await startGeminiServer([{ text: 'PRD' }]);
    onTestFinished(() => gemini.close());
    const client = createLlmClient({ env: {}, geminiApiKey: 'AIzaSy-test', geminiBaseUrl: gemini.url });
    for (const model of ['gemini/gemini-2.5-pro', 'gemini-2.5-flash', 'flash']) {
      expect(await generatePrd(client, { model, change: 'x', repoContext: '', onChunk: () => {}, retry: FAST_RETRY })).toBe('PRD');
    }
    expect(gemini.requests.map((request) => request.model)).toEqual(['gemini-2.5-pro', 'gemini-2.5-flash', 'gemini-flash-latest']);
    expect(gemini.requests.every((request) => request.apiKey === 'AIzaSy-test')).toBe(true);
  });

  it('a missing key is one line naming the variable, before any request', async () => {
    const openai = await startOpenAiServer([{ text: 'unused' }]);
    server = openai;
    const client = createLlmClient({ env: { OPENAI_API_BASE: openai.url }, geminiApiKey: undefined });
    await expect(
      generatePrd(client, { model: 'openai/x', change: 'x', repoContext: '', onChunk: () => {}, retry: FAST_RETRY }),
    ).rejects.toThrow(/^the PRD model openai\/x needs OpenAI's key: set OPENAI_API_KEY/);
    expect(openai.requests).toHaveLength(0);
  });
});
