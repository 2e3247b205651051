import { ApiError } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { CancelledError, UserError } from '../../../src/errors.js';
import { classifyGeminiError } from '../../../src/llm/geminiErrors.js';
import { RetryableError } from '../../../src/llm/retry.js';

/** What the SDK throws for an HTTP error: the body, JSON-encoded, as the message. */
const apiError = (status: number, error: Record<string, unknown>): ApiError =>
  new ApiError({ status, message: JSON.stringify({ error: { code: status, ...error } }) });

const classify = (error: unknown, signal?: AbortSignal): Error => classifyGeminiError(error, { model: 'gemini-x', signal });

describe('Gemini error classification', () => {
  it('429 is retryable and carries the RetryInfo delay', () => {
    const result = classify(
      apiError(429, {
        status: 'RESOURCE_EXHAUSTED',
        details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '7s' }],
      }),
    );
    expect(result).toBeInstanceOf(RetryableError);
    expect((result as RetryableError).reason).toBe('429 rate limited');
    expect((result as RetryableError).retryAfterMs).toBe(7_000);
  });

  it('5xx is retryable, named after Google status', () => {
    const result = classify(apiError(503, { status: 'UNAVAILABLE', message: 'overloaded' }));
    expect((result as RetryableError).reason).toBe('503 unavailable');
  });

  it('other 400s are a one-line UserError with Google message', () => {
    const result = classify(apiError(400, { status: 'FAILED_PRECONDITION', message: 'User location is not supported\nfor the API use.' }));
    expect(result).toBeInstanceOf(UserError);
    expect(result.message).toBe(
      'Gemini rejected the request (400 FAILED_PRECONDITION User location is not supported for the API use.): check --prd-model and your Google account',
    );
  });

  it('an AbortError without a caller abort is a timeout; with one it is a cancel', () => {
    const abort = new DOMException('This operation was aborted', 'AbortError');
    expect((classify(abort) as RetryableError).reason).toBe('timed out');
    const controller = new AbortController();
    controller.abort();
    expect(classify(abort, controller.signal)).toBeInstanceOf(CancelledError);
  });

  it('a refused connection is a retryable network error naming the code', () => {
    const error = new TypeError('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) });
    expect((classify(error) as RetryableError).reason).toBe('network error (ECONNREFUSED)');
  });

  it('anything else is passed through unchanged (a bug keeps its stack)', () => {
    const bug = new RangeError('boom');
    expect(classify(bug)).toBe(bug);
  });
});
