import { GoogleGenAI } from '@google/genai';
import { afterEach, describe, expect, it } from 'vitest';
import { startGeminiServer, type GeminiServer } from '../../support/geminiServer.js';
import { waitFor } from '../../support/waitFor.js';

// The scripted server itself, read through the real SDK (other areas' tests rely on it).

let server: GeminiServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** The real SDK, pointed at the server as the app points it (llm/geminiClient.ts). */
const createGeminiClient = (options: { apiKey: string; baseUrl: string; timeoutMs: number }) =>
  new GoogleGenAI({ apiKey: options.apiKey, vertexai: false, httpOptions: { baseUrl: options.baseUrl, timeout: options.timeoutMs } });

const usage = { promptTokenCount: 100, candidatesTokenCount: 20, totalTokenCount: 120 };

describe('scripted Gemini server', () => {
  it('sends usage metadata with a JSON reply', async () => {
    server = await startGeminiServer([{ text: 'hello', usage }]);
    const client = createGeminiClient({ apiKey: 'k', baseUrl: server.url, timeoutMs: 5_000 });
    const response = await client.models.generateContent({ model: 'm', contents: 'hi' });

    expect(response.text).toBe('hello');
    expect(response.usageMetadata).toMatchObject(usage);
    expect(response.candidates?.[0]?.finishReason).toBe('STOP');
  });

  it('puts the totals and the finish reason on the last stream chunk', async () => {
    server = await startGeminiServer([{ text: 'abcdef', chunks: 3, usage }]);
    const client = createGeminiClient({ apiKey: 'k', baseUrl: server.url, timeoutMs: 5_000 });
    const chunks = [];
    for await (const chunk of await client.models.generateContentStream({ model: 'm', contents: 'hi' })) {
      chunks.push(chunk);
    }

    expect(chunks.map((chunk) => chunk.text)).toEqual(['ab', 'cd', 'ef']);
    expect(chunks.map((chunk) => chunk.candidates?.[0]?.finishReason)).toEqual([undefined, undefined, 'STOP']);
    expect(chunks.at(-1)?.usageMetadata).toMatchObject(usage);
  });

  it('chooses replies with a function of the request', async () => {
    server = await startGeminiServer((request, index) => ({ text: `${request.model}#${index}` }));
    const client = createGeminiClient({ apiKey: 'k', baseUrl: server.url, timeoutMs: 5_000 });

    expect((await client.models.generateContent({ model: 'one', contents: 'x' })).text).toBe('one#0');
    expect((await client.models.generateContent({ model: 'two', contents: 'x' })).text).toBe('two#1');
  });

  it('close() ends a hanging request', async () => {
    const hanging = await startGeminiServer([{ hang: true }]);
    const client = createGeminiClient({ apiKey: 'k', baseUrl: hanging.url, timeoutMs: 60_000 });
    const pending = client.models.generateContent({ model: 'm', contents: 'x' });
    const settled = pending.then(
      () => 'resolved',
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    await waitFor(() => hanging.requests.length > 0, 'the request at the server');
    expect(hanging.requests).toHaveLength(1);

    await hanging.close();
    expect(await settled).toBe('fetch failed');
  });
});
