import { afterEach, describe, expect, it } from 'vitest';
import { Redactor } from '../../../src/logs/redact.js';
import { createLlmClient } from '../../../src/llm/modelRouter.js';
import { decideNextStep, type SupervisorOutcome } from '../../../src/llm/supervisor.js';
import type { SupervisorInput } from '../../../src/llm/supervisorContext.js';
import { startGeminiServer, type GeminiReply } from '../../support/geminiServer.js';
import { startOpenAiServer, type ChatReply } from '../../support/openaiServer.js';
import { waitFor } from '../../support/waitFor.js';

// decideNextStep through the app's one client, against local servers that speak the OpenAI chat
// completions API and Gemini's REST API: what the supervisor model is sent, and every way its
// answer can fail ending in one line.

const FAST_RETRY = { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 };
const SECRET = 'sk-test-supervisor-0123456789abcdef';
const redactor = new Redactor([SECRET]);

const INPUT: SupervisorInput = {
  task: { title: 'CLI flag', description: 'Parse --verbose in src/cli.ts.', files: ['src/cli.ts'] },
  prd: '# Verbose\n\n## Summary\n\nAdd --verbose.',
  turnOutput: `\x1b[32mApplied edit to src/cli.ts\x1b[0m\r\nCommit abc1234 feat: parse flags\r\nOPENAI_API_KEY=${SECRET}\r\n`,
  commits: [{ hash: 'abc1234def', message: 'feat: parse flags' }],
  diff: 'diff --git a/src/cli.ts b/src/cli.ts\n--- a/src/cli.ts\n+++ b/src/cli.ts\n@@ -1 +1 @@\n-old\n+new\n',
  checkCommand: 'npm test',
  iterations: 1,
  maxIterations: 5,
};

const INSTRUCT = {
  progress: 'Flags parsed; --verbose not wired to the logger.',
  thought: 'cli.ts parses the flag but log.ts ignores it.',
  action: 'instruct',
  message: 'Pass the parsed --verbose flag to setLevel() in src/log.ts.',
  future: 'Then run the check.',
};
const JUNK = { progress: 'Working', thought: '', action: 'run_tests', message: '', future: '' };

interface Served {
  requests: { length: number };
  close(): Promise<void>;
}
interface Case {
  name: string;
  model: string;
  start(script: unknown[]): Promise<Served & { client: ReturnType<typeof createLlmClient> }>;
  /** The JSON schema the server was asked to follow, and the prompt text it received. */
  sent(served: Served, index: number): { schema: unknown; text: string };
  keyRejected: RegExp;
}

let server: Served | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const CASES: Case[] = [
  {
    name: 'OpenAI',
    model: 'openai/test-model',
    start: async (script) => {
      const openai = await startOpenAiServer(script as ChatReply[]);
      server = openai;
      return {
        ...openai,
        client: createLlmClient({
          env: { OPENAI_API_KEY: 'test-key', OPENAI_API_BASE: openai.url },
          geminiApiKey: undefined,
          timeoutMs: 10_000,
        }),
      };
    },
    sent: (served, index) => {
      const request = (served as Awaited<ReturnType<typeof startOpenAiServer>>).requests[index]!;
      return { schema: (request.responseFormat as { json_schema?: { schema?: unknown } }).json_schema?.schema, text: request.text };
    },
    keyRejected: /^the supervisor model openai\/test-model failed: OpenAI API key rejected \(401\): check OPENAI_API_KEY$/,
  },
  {
    name: 'Gemini',
    model: 'gemini/gemini-2.5-flash',
    start: async (script) => {
      const gemini = await startGeminiServer(script as GeminiReply[]);
      server = gemini;
      return {
        ...gemini,
        client: createLlmClient({ env: {}, geminiApiKey: 'AIza-test-key', geminiBaseUrl: gemini.url, timeoutMs: 10_000 }),
      };
    },
    sent: (served, index) => {
      const request = (served as Awaited<ReturnType<typeof startGeminiServer>>).requests[index]!;
      const body = request.body as { generationConfig?: { responseSchema?: unknown } };
      return { schema: body.generationConfig?.responseSchema, text: request.prompt };
    },
    keyRejected:
      /^the supervisor model gemini\/gemini-2\.5-flash failed: Google API key rejected \(401\): check GEMINI_API_KEY or --api-key$/,
  },
];

describe.each(CASES)('$name: the supervisor decides the next step', (provider) => {
  const decide = (
    served: { client: ReturnType<typeof createLlmClient> },
    extra: { signal?: AbortSignal; retries?: [number, string][] } = {},
  ) =>
    decideNextStep(served.client, INPUT, {
      model: provider.model,
      redactor,
      retry: FAST_RETRY,
      signal: extra.signal,
      onRetry: (attempt, _delay, reason) => extra.retries?.push([attempt, reason]),
    });

  const failure = (outcome: SupervisorOutcome) => {
    if (outcome.ok) throw new Error(`expected a failure, got ${JSON.stringify(outcome.decision)}`);
    return outcome;
  };

  it('parses a scripted instruct decision, with the tokens it cost', async () => {
    const served = await provider.start([{ json: INSTRUCT }]);
    const outcome = await decide(served);

    expect(outcome).toMatchObject({ ok: true, decision: INSTRUCT });
    expect(outcome.usage.total).toBeGreaterThan(0);
    expect(outcome.usage.total).toBe(outcome.usage.prompt + outcome.usage.completion);
    expect(served.requests.length).toBe(1);
    const { schema, text } = provider.sent(served, 0);
    expect(JSON.stringify(schema)).toMatch(/"enum":\["instruct","check","finish"\]/);
    expect(text).toContain('Parse --verbose in src/cli.ts.');
    expect(text).toContain('Applied edit to src/cli.ts\nCommit abc1234 feat: parse flags');
    expect(text).toContain('+new');
    expect(text).not.toContain('\x1b[');
    expect(text).not.toContain(SECRET);
    expect(text).toContain('OPENAI_API_KEY=***');
  });

  it('asks again once after junk, and takes the second answer', async () => {
    const served = await provider.start([{ json: JUNK }, { json: INSTRUCT }]);
    const outcome = await decide(served);
    expect(outcome).toMatchObject({ ok: true, decision: { action: 'instruct' } });
    expect(served.requests.length).toBe(2);
  });

  it('junk twice: a typed failure with a clear reason, the tokens of both replies kept', async () => {
    const served = await provider.start([{ json: JUNK }, { json: { ...JUNK, action: 'instruct' } }]);
    const outcome = failure(await decide(served));
    expect(outcome.reason).toBe(`the supervisor model ${provider.model} gave an unusable decision twice (instruct without a message)`);
    expect(outcome.cancelled).toBe(false);
    expect(outcome.usage.total).toBeGreaterThan(0);
    expect(served.requests.length).toBe(2);
  });

  it('a reply that is not JSON twice: the same typed failure', async () => {
    const served = await provider.start([{ text: 'I think the agent should continue.' }]);
    const outcome = failure(await decide(served));
    expect(outcome.reason).toBe(`the supervisor model ${provider.model} gave an unusable decision twice (not JSON)`);
    expect(served.requests.length).toBe(2);
  });

  it('a rejected key (401): one line naming the variable, not retried', async () => {
    const served = await provider.start([{ error: 401, message: 'Incorrect API key provided' }]);
    const outcome = failure(await decide(served));
    expect(outcome.reason).toMatch(provider.keyRejected);
    expect(served.requests.length).toBe(1);
  });

  it('a server error (500) is retried, and the decision still comes', async () => {
    const served = await provider.start([{ error: 500 }, { json: INSTRUCT }]);
    const retries: [number, string][] = [];
    const outcome = await decide(served, { retries });
    expect(outcome).toMatchObject({ ok: true, decision: INSTRUCT });
    expect(retries).toHaveLength(1);
    expect(retries[0]![0]).toBe(2);
    expect(retries[0]![1]).toMatch(/^500 /);
    expect(served.requests.length).toBe(2);
  });

  it('a server that keeps failing: one line after the retries, the agent is not left waiting', async () => {
    const served = await provider.start([{ error: 500 }]);
    const outcome = failure(await decide(served));
    expect(outcome.reason).toMatch(
      new RegExp(
        `^the supervisor model ${provider.model.replace('/', '\\/')} failed: ${provider.name} still failing after 3 attempts \\(500 .+\\): try again later$`,
      ),
    );
    expect(served.requests.length).toBe(3);
  });

  it('a cancelled run ends a hanging call as cancelled', async () => {
    const served = await provider.start([{ hang: true }]);
    const controller = new AbortController();
    const outcome = decide(served, { signal: controller.signal });
    await waitFor(() => served.requests.length === 1, 'the request at the server', 10_000); // not an event we can await
    controller.abort();
    expect(failure(await outcome)).toMatchObject({ reason: 'the supervisor was cancelled', cancelled: true });
  });
});
