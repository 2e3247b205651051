import { describe, expect, it } from 'vitest';
import { CancelledError, UserError } from '../../../src/errors.js';
import { RetryableError, retryDelayMs, withRetry } from '../../../src/llm/retry.js';

const policy = { attempts: 4, baseDelayMs: 100, maxDelayMs: 1_000 };

describe('backoff delays', () => {
  it('doubles per failure, between half and all of the exponential step', () => {
    expect(retryDelayMs(1, policy, 0)).toBe(50);
    expect(retryDelayMs(1, policy, 0.999999)).toBe(100);
    expect(retryDelayMs(2, policy, 0)).toBe(100);
    expect(retryDelayMs(3, policy, 0.5)).toBe(300);
  });

  it('is capped at maxDelayMs', () => {
    expect(retryDelayMs(10, policy, 0.999999)).toBe(1_000);
  });

  it('waits at least as long as the server hint', () => {
    expect(retryDelayMs(1, policy, 0, 2_500)).toBe(2_500);
    expect(retryDelayMs(3, policy, 1, 10)).toBe(400);
  });
});

describe('withRetry', () => {
  const fast = { attempts: 3, baseDelayMs: 1, maxDelayMs: 2, label: 'Gemini' };

  it('returns the first success and reports each retry', async () => {
    const calls: number[] = [];
    const retries: [number, string][] = [];
    const result = await withRetry(
      async (attempt) => {
        calls.push(attempt);
        if (attempt < 3) throw new RetryableError('503 unavailable');
        return 'done';
      },
      { ...fast, onRetry: (attempt, _delay, reason) => retries.push([attempt, reason]) },
    );
    expect(result).toBe('done');
    expect(calls).toEqual([1, 2, 3]);
    expect(retries).toEqual([
      [2, '503 unavailable'],
      [3, '503 unavailable'],
    ]);
  });

  it('gives up after the last attempt with a one-line UserError', async () => {
    let calls = 0;
    const result = withRetry(async () => {
      calls++;
      throw new RetryableError('429 rate limited');
    }, fast);
    await expect(result).rejects.toThrow(UserError);
    await expect(result).rejects.toThrow('Gemini still failing after 3 attempts (429 rate limited): try again later');
    expect(calls).toBe(3);
  });

  it('passes other errors through at once', async () => {
    let calls = 0;
    const bug = new Error('bug');
    await expect(
      withRetry(async () => {
        calls++;
        throw bug;
      }, fast),
    ).rejects.toBe(bug);
    expect(calls).toBe(1);
  });

  it('stops waiting when the signal is aborted', async () => {
    const controller = new AbortController();
    const result = withRetry(
      async () => {
        throw new RetryableError('500 internal');
      },
      {
        attempts: 5,
        baseDelayMs: 60_000,
        maxDelayMs: 60_000,
        label: 'Gemini',
        signal: controller.signal,
        onRetry: () => controller.abort(),
      },
    );
    await expect(result).rejects.toThrow(CancelledError);
  });
});
