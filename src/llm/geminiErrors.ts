import type { ApiError } from '@google/genai';
import { PRD_ROLE, type ModelRole } from '../config/providers.js';
import { UserError } from '../errors.js';
import { RetryableError } from './retry.js';
import { classifyTransportError, oneLine } from './transportErrors.js';

/** Google's error body: `{error: {code, message, status, details}}`. */
interface GoogleErrorBody {
  message: string;
  status: string;
  details: unknown[];
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

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

const classifyApiError = (error: ApiError, model: string, role: ModelRole): Error => {
  const status = error.status;
  const body = parseGoogleError(error);
  if (status === 401 || status === 403 || (status === 400 && isInvalidKey(body))) {
    return new UserError(`Google API key rejected (${status}): check GEMINI_API_KEY or --api-key`);
  }
  if (status === 404) {
    return new UserError(`${role.name} '${model}' not found (404): pass ${role.flag} with a model your key can use`);
  }
  if (status === 429) {
    return new RetryableError('429 rate limited', retryInfoDelayMs(body.details), { cause: error });
  }
  if (status === 408 || status >= 500) {
    const name = body.status ? ` ${body.status.toLowerCase().replace(/_/g, ' ')}` : ' server error';
    return new RetryableError(`${status}${name}`, retryInfoDelayMs(body.details), { cause: error });
  }
  const detail = oneLine(`${body.status} ${body.message}`);
  return new UserError(`Gemini rejected the request (${status}${detail ? ` ${detail}` : ''}): check ${role.flag} and your Google account`);
};

/** The SDK's ApiError, recognised without importing the SDK (it is loaded on the first request). */
const isApiError = (error: unknown): error is ApiError =>
  error instanceof Error && error.name === 'ApiError' && typeof (error as { status?: unknown }).status === 'number';

/**
 * Turns anything a Gemini call threw into what the retry loop needs:
 * a UserError (stop, tell the user), a RetryableError (try again),
 * a CancelledError (the caller aborted), or the original error (a bug).
 */
export const classifyGeminiError = (
  error: unknown,
  context: { model: string; role?: ModelRole | undefined; signal?: AbortSignal | undefined },
): Error => {
  const transport = classifyTransportError(error, context.signal);
  if (transport) return transport;
  if (!(error instanceof Error)) return new Error(String(error));
  if (isApiError(error)) return classifyApiError(error, context.model, context.role ?? PRD_ROLE);
  // The SDK's SSE reader when a stream ends inside an event.
  if (/Incomplete JSON segment/i.test(error.message)) {
    return new RetryableError('stream cut off', undefined, { cause: error });
  }
  return error;
};
