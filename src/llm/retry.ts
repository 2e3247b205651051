import { CancelledError, UserError } from '../errors.js';

/** A failure worth another attempt (rate limit, server error, network, timeout). */
export class RetryableError extends Error {
  override readonly name = 'RetryableError';
  constructor(
    /** Short, user-facing: "429 rate limited", "network error (ECONNREFUSED)". */
    readonly reason: string,
    /** The server's own hint (RetryInfo.retryDelay / Retry-After), if it sent one. */
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
  }
}

export interface RetryPolicy {
  /** Total attempts, including the first. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface RetryOptions extends RetryPolicy {
  /** Who keeps failing, for the final message: the provider ("Gemini", "OpenAI"). */
  label: string;
  /** Called before waiting for attempt `attempt` (2-based: the first retry is attempt 2). */
  onRetry?(attempt: number, delayMs: number, reason: string): void;
  signal?: AbortSignal | undefined;
  /** Source of jitter in [0, 1); tests pin it. */
  random?: () => number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 4, baseDelayMs: 1_000, maxDelayMs: 20_000 };

/**
 * Delay before the retry that follows failed attempt `failed` (1-based):
 * exponential, capped, with "equal jitter" (half fixed, half random) so parallel
 * clients spread out but never retry instantly. A server hint wins when longer.
 */
export const retryDelayMs = (failed: number, policy: RetryPolicy, random: number, hintMs?: number): number => {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failed - 1));
  const jittered = Math.round(exponential / 2 + (random * exponential) / 2);
  return hintMs !== undefined ? Math.max(jittered, Math.round(hintMs)) : jittered;
};

const sleep = (ms: number, signal: AbortSignal | undefined): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new CancelledError());
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new CancelledError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * Runs `fn` until it succeeds, throws a non-retryable error (passed through as is),
 * or has failed `attempts` times with RetryableError (→ one-line UserError).
 */
export const withRetry = async <T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> => {
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    if (options.signal?.aborted) throw new CancelledError();
    try {
      return await fn(attempt);
    } catch (error) {
      if (!(error instanceof RetryableError)) throw error;
      if (attempt >= options.attempts) {
        throw new UserError(
          `${options.label} still failing after ${attempt} attempt${attempt === 1 ? '' : 's'} (${error.reason}): try again later`,
        );
      }
      const delay = retryDelayMs(attempt, options, random(), error.retryAfterMs);
      options.onRetry?.(attempt + 1, delay, error.reason);
      await sleep(delay, options.signal);
    }
  }
};
