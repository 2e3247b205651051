import { CancelledError, UserError } from '../errors.js';
import { RetryableError } from './retry.js';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The first `code` (ECONNREFUSED, UND_ERR_SOCKET...) along an error's chain of causes. */
export const errorCode = (error: unknown): string | undefined => {
  for (let current: unknown = error, depth = 0; isRecord(current) && depth < 8; current = current.cause, depth++) {
    if (typeof current.code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(current.code)) return current.code;
  }
  return undefined;
};

/** Whitespace folded, cut to `max` characters: a server's message inside a one-line error. */
export const oneLine = (text: string, max = 160): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/**
 * The failures every provider's client shares, which are not an HTTP status: the caller's
 * cancel, a timeout, a connection refused or dropped. Errors already classified pass as they
 * are. Undefined when the error is none of these (the provider's classifier decides).
 */
export const classifyTransportError = (error: unknown, signal: AbortSignal | undefined): Error | undefined => {
  if (signal?.aborted) return new CancelledError();
  if (error instanceof UserError || error instanceof CancelledError || error instanceof RetryableError) return error;
  if (!(error instanceof Error)) return undefined;
  // An attempt's own deadline (the caller's signal is not aborted).
  if (error.name === 'AbortError' || error.name === 'TimeoutError') {
    return new RetryableError('timed out', undefined, { cause: error });
  }
  // undici: "fetch failed" (no connection) and "terminated" (connection dropped mid-body).
  if (error instanceof TypeError && /fetch failed|terminated/i.test(error.message)) {
    const code = errorCode(error.cause);
    return new RetryableError(`network error${code ? ` (${code})` : ''}`, undefined, { cause: error });
  }
  return undefined;
};
