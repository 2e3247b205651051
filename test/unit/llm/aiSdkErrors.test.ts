import { APICallError } from 'ai';
import { describe, expect, it } from 'vitest';
import { routeModel } from '../../../src/config/providers.js';
import { UserError } from '../../../src/errors.js';
import { sdkBaseUrl } from '../../../src/llm/aiSdkClient.js';
import { classifyAiSdkError, retryAfterMs } from '../../../src/llm/aiSdkErrors.js';
import { RetryableError } from '../../../src/llm/retry.js';

const anthropic = routeModel('anthropic/claude-sonnet-4-5')!.provider;
const ollama = routeModel('ollama_chat/llama3')!.provider;
const openai = routeModel('openai/gpt-4.1')!.provider;
const role = { name: 'PRD model', flag: '--prd-model' };

/** What the SDK throws for an HTTP error (its provider has parsed the body into `data`). */
const httpError = (statusCode: number, data: unknown, responseHeaders: Record<string, string> = {}) =>
  new APICallError({ message: 'Overloaded', url: 'http://x/v1/messages', requestBodyValues: {}, statusCode, responseHeaders, data });

describe('AI SDK error classification', () => {
  it("529 is Anthropic's overloaded: retried, named after the error type", () => {
    const result = classifyAiSdkError(httpError(529, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }), {
      model: 'anthropic/claude-sonnet-4-5',
      role,
      provider: anthropic,
    });
    expect(result).toBeInstanceOf(RetryableError);
    expect((result as RetryableError).reason).toBe('529 overloaded error');
  });

  it('a 401 from a provider that takes no key names the endpoint variable', () => {
    const result = classifyAiSdkError(httpError(401, {}), {
      model: 'ollama_chat/llama3',
      role,
      provider: ollama,
      baseUrlVariable: 'OLLAMA_API_BASE',
    });
    expect(result).toBeInstanceOf(UserError);
    expect(result.message).toBe('Ollama refused access (401): check the server in OLLAMA_API_BASE');
  });

  it('a reply the SDK cannot parse (a server that speaks another protocol) is one line naming the endpoint variable', () => {
    const error = Object.assign(new Error('Type validation failed: Value: {"hello":"world"}'), { name: 'AI_TypeValidationError' });
    const result = classifyAiSdkError(error, { model: 'openai/x', role, provider: openai, baseUrlVariable: 'OPENAI_API_BASE' });
    expect(result).toBeInstanceOf(UserError);
    expect(result.message).toMatch(
      /^OpenAI sent a reply the app cannot read \(Type validation failed: .*\): check that OPENAI_API_BASE points at a server that speaks OpenAI's API$/,
    );
  });

  it('anything else is passed through unchanged (a bug keeps its stack)', () => {
    const bug = new RangeError('boom');
    expect(classifyAiSdkError(bug, { model: 'openai/x', role, provider: openai })).toBe(bug);
  });
});

describe('retry hints', () => {
  it('reads retry-after-ms, retry-after in seconds, and as an HTTP date', () => {
    expect(retryAfterMs({ 'retry-after-ms': '250', 'retry-after': '9' })).toBe(250);
    expect(retryAfterMs({ 'retry-after': '2' })).toBe(2000);
    expect(retryAfterMs({ 'retry-after': new Date(Date.now() + 60_000).toUTCString() })).toBeGreaterThan(50_000);
    expect(retryAfterMs({ 'retry-after': 'soon' })).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });
});

describe('base URLs as aider sets them → as the SDKs want them', () => {
  it('Anthropic: the root (litellm appends /v1/messages) gets /v1; a URL with /v1 or /v1/messages is accepted too', () => {
    expect(sdkBaseUrl(anthropic, 'http://127.0.0.1:9')).toBe('http://127.0.0.1:9/v1');
    expect(sdkBaseUrl(anthropic, 'http://127.0.0.1:9/v1/')).toBe('http://127.0.0.1:9/v1');
    expect(sdkBaseUrl(anthropic, 'http://127.0.0.1:9/v1/messages')).toBe('http://127.0.0.1:9/v1');
    expect(sdkBaseUrl(anthropic, undefined)).toBe('https://api.anthropic.com/v1');
  });

  it("Ollama: OLLAMA_API_BASE is the root of Ollama's API; its OpenAI-compatible API is under /v1", () => {
    expect(sdkBaseUrl(ollama, undefined)).toBe('http://127.0.0.1:11434/v1');
    expect(sdkBaseUrl(ollama, 'http://gpu-box:11434/')).toBe('http://gpu-box:11434/v1');
  });

  it('OpenAI: OPENAI_API_BASE is used as it is (it carries its /v1), as litellm does', () => {
    expect(sdkBaseUrl(openai, 'http://127.0.0.1:8000/v1/')).toBe('http://127.0.0.1:8000/v1');
    expect(sdkBaseUrl(openai, undefined)).toBe('https://api.openai.com/v1');
  });
});
