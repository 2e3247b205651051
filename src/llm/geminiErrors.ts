import type { ApiError } from '@google/genai';
import { CancelledError, UserError } from '../errors.js';
import { RetryableError } from './retry.js';

/** Google's error body: `{error: {code, message, status, details}}`. */
interface GoogleErrorBody {
  message: string;
  status: string;
  details: unknown[];
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The SDK's ApiError carries the response body, JSON-encoded, as its message. */
const parseGoogleError = (apiError: ApiError): GoogleErrorBody => {
  try {
    const parsed: unknown = JSON.parse(apiError.message);
    const error = isRecord(parsed) && isRecord(parsed.error) ? parsed.error : {};
    return {
      message: typeof error.message === 'string' ? error.message : '',
      status: typeof error.status === 'string' ? error.status : '',
      details: Array.isArray(error.details) ? error.details : [],
    };
  } catch {
    return { message: apiError.message, status: '', details: [] };
  }
};

/** "1.5s" (protobuf Duration JSON) → 1500. */
const durationMs = (value: unknown): number | undefined => {
  if (typeof value !== 'string') return undefined;
  const match = /^(\d+(?:\.\d+)?)s$/.exec(value.trim());
  return match ? Number(match[1]) * 1000 : undefined;
};

/** Gemini's rate-limit hint: a google.rpc.RetryInfo detail with `retryDelay`. */
const retryInfoDelayMs = (details: unknown[]): number | undefined => {
  for (const detail of details) {
    if (isRecord(detail) && String(detail['@type']).endsWith('google.rpc.RetryInfo')) {
      return durationMs(detail.retryDelay);
    }
  }
  return undefined;
};

/** Gemini answers a malformed key with 400 INVALID_ARGUMENT and an ErrorInfo reason API_KEY_INVALID. */
const isInvalidKey = (body: GoogleErrorBody): boolean =>
  /API key not valid|API_KEY_INVALID/i.test(body.message) ||
  body.details.some((detail) => isRecord(detail) && detail.reason === 'API_KEY_INVALID');

const oneLine = (text: string, max = 160): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

const classifyApiError = (error: ApiError, model: string): Error => {
  const status = error.status;
  const body = parseGoogleError(error);
  if (status === 401 || status === 403 || (status === 400 && isInvalidKey(body))) {
    return new UserError(`Google API key rejected (${status}): check GEMINI_API_KEY or --api-key`);
  }
  if (status === 404) {
    return new UserError(`PRD model '${model}' not found (404): pass --gemini-model with a model your key can use`);
  }
  if (status === 429) {
    return new RetryableError('429 rate limited', retryInfoDelayMs(body.details), { cause: error });
  }
  if (status === 408 || status >= 500) {
    const name = body.status ? ` ${body.status.toLowerCase().replace(/_/g, ' ')}` : ' server error';
    return new RetryableError(`${status}${name}`, retryInfoDelayMs(body.details), { cause: error });
  }
  const detail = oneLine(`${body.status} ${body.message}`);
  return new UserError(
    `Gemini rejected the request (${status}${detail ? ` ${detail}` : ''}): check --gemini-model and your Google account`,
  );
};

const errorCode = (error: Error): string | undefined => {
  const cause: unknown = error.cause;
  if (isRecord(cause) && typeof cause.code === 'string') return cause.code;
  if (isRecord(cause) && cause.cause !== undefined && cause.cause instanceof Error) return errorCode(cause.cause);
  return undefined;
};

/** The SDK's ApiError, recognised without importing the SDK (it is loaded on the first request). */
const isApiError = (error: unknown): error is ApiError =>
  error instanceof Error && error.name === 'ApiError' && typeof (error as { status?: unknown }).status === 'number';

/**
 * Turns anything a Gemini call threw into what the retry loop needs:
 * a UserError (stop, tell the user), a RetryableError (try again),
 * a CancelledError (the caller aborted), or the original error (a bug).
 */
export const classifyGeminiError = (error: unknown, context: { model: string; signal?: AbortSignal | undefined }): Error => {
  if (context.signal?.aborted) return new CancelledError();
  if (error instanceof UserError || error instanceof CancelledError || error instanceof RetryableError) return error;
  if (isApiError(error)) return classifyApiError(error, context.model);
  if (!(error instanceof Error)) return new Error(String(error));
  // The SDK aborts an attempt when httpOptions.timeout passes (the caller's signal is not aborted).
  if (error.name === 'AbortError' || error.name === 'TimeoutError') {
    return new RetryableError('timed out', undefined, { cause: error });
  }
  // undici: "fetch failed" (no connection) and "terminated" (connection dropped mid-body).
  if (error instanceof TypeError && /fetch failed|terminated/i.test(error.message)) {
    const code = errorCode(error);
    return new RetryableError(`network error${code ? ` (${code})` : ''}`, undefined, { cause: error });
  }
  // The SDK's SSE reader when a stream ends inside an event.
  if (/Incomplete JSON segment/i.test(error.message)) {
    return new RetryableError('stream cut off', undefined, { cause: error });
  }
  return error;
};

/** For retry loops: throw whatever classifyGeminiError says. */
export const rethrowGeminiError = (error: unknown, context: { model: string; signal?: AbortSignal | undefined }): never => {
  throw classifyGeminiError(error, context);
};
