import type { ModelRole, Provider } from '../config/providers.js';
import { UserError } from '../errors.js';
import { RetryableError } from './retry.js';
import { classifyTransportError, errorCode, oneLine } from './transportErrors.js';

/** What a failed request was, for the messages. */
export interface AiSdkErrorContext {
  /** The model as the user wrote it. */
  model: string;
  role: ModelRole;
  provider: Provider;
  /** The variable that pointed the provider at another server, if one did. */
  baseUrlVariable?: string | undefined;
  /** The server the request went to. */
  baseUrl?: string | undefined;
  signal?: AbortSignal | undefined;
}

/** The fields of the AI SDK's APICallError the classification reads (@ai-sdk/provider). */
interface ApiCallError extends Error {
  statusCode?: number;
  responseHeaders?: Record<string, string>;
  data?: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Recognised by name, so classifying an error never loads the SDK. */
const isApiCallError = (error: Error): error is ApiCallError => error.name === 'AI_APICallError';

/** Connection errors that mean nothing listens there (as config/endpoint.ts judges the agents' server). */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH']);

/** A URL without the credentials it may carry. */
const shownUrl = (url: string): string => {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  } catch {
    return url;
  }
};

/** Errors of a reply the SDK could not read: a server that does not speak the provider's protocol. */
const UNREADABLE = new Set(['AI_JSONParseError', 'AI_TypeValidationError', 'AI_InvalidResponseDataError', 'AI_EmptyResponseBodyError']);

/**
 * The server's wait hint: `retry-after-ms` (OpenAI), `retry-after` in seconds (Anthropic,
 * OpenAI) or as an HTTP date.
 */
export const retryAfterMs = (headers: Record<string, string> | undefined): number | undefined => {
  if (!headers) return undefined;
  const ms = Number(headers['retry-after-ms']);
  if (headers['retry-after-ms'] && Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers['retry-after']?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
};

/**
 * The error's kind as the provider names it: `overloaded error` from Anthropic's
 * `{type: 'error', error: {type: 'overloaded_error'}}`, `server error` from OpenAI's `{error: {type}}`.
 */
const errorKind = (data: unknown): string | undefined => {
  const error = isRecord(data) && isRecord(data.error) ? data.error : undefined;
  return typeof error?.type === 'string' && error.type ? error.type.replace(/_/g, ' ') : undefined;
};

const classifyStatus = (error: ApiCallError, status: number, context: AiSdkErrorContext): Error => {
  const { provider, role, model, baseUrlVariable } = context;
  if (status === 401 || status === 403) {
    if (provider.keyVars.length === 0) {
      return new UserError(
        `${provider.name} refused access (${status}): check the server${baseUrlVariable ? ` in ${baseUrlVariable}` : ''}`,
      );
    }
    return new UserError(`${provider.name} API key rejected (${status}): check ${provider.keyVars.join(' or ')}`);
  }
  if (status === 404) {
    const server = baseUrlVariable ? `, or check ${baseUrlVariable}` : '';
    return new UserError(
      `${role.name} '${model}' not found (404): pass ${role.flag} with a model your ${provider.name} account can use${server}`,
    );
  }
  if (status === 429) return new RetryableError('429 rate limited', retryAfterMs(error.responseHeaders), { cause: error });
  // 529 is Anthropic's "overloaded"; 408 and 409 are worth another try as the providers' own SDKs say.
  if (status === 408 || status === 409 || status >= 500) {
    return new RetryableError(`${status} ${errorKind(error.data) ?? 'server error'}`, retryAfterMs(error.responseHeaders), {
      cause: error,
    });
  }
  const detail = oneLine(error.message);
  return new UserError(
    `${provider.name} rejected the request (${status}${detail ? ` ${detail}` : ''}): check ${role.flag} and your ${provider.name} account`,
  );
};

/**
 * Turns anything an AI SDK call threw into what the retry loop needs: a UserError (stop, tell
 * the user), a RetryableError (try again), a CancelledError (the caller aborted), or the
 * original error (a bug). The SDK reports an HTTP failure as APICallError with `statusCode`;
 * a failure to connect, or a stream cut off, as APICallError without one (or with a 2xx).
 */
export const classifyAiSdkError = (error: unknown, context: AiSdkErrorContext): Error => {
  const transport = classifyTransportError(error, context.signal);
  if (transport) return transport;
  if (!(error instanceof Error)) return new Error(String(error));
  if (isApiCallError(error)) {
    const status = error.statusCode;
    if (status !== undefined && status >= 300) return classifyStatus(error, status, context);
    const code = errorCode(error.cause) ?? /\b(E[A-Z]{3,})\b/.exec(error.message)?.[1];
    // A server of the user's own (an endpoint variable, or Ollama) that is not running: waiting will not help.
    const { provider, baseUrlVariable, baseUrl, role } = context;
    const ownServer = baseUrlVariable ?? (provider.id === 'ollama' ? 'OLLAMA_API_BASE' : undefined);
    if (code && UNREACHABLE.has(code) && ownServer && baseUrl) {
      return new UserError(
        `cannot reach the ${role.name}'s server ${shownUrl(baseUrl)} (${code}): start it, or fix ${ownServer} in the environment or .env`,
      );
    }
    return new RetryableError(code ? `network error (${code})` : 'stream cut off', undefined, { cause: error });
  }
  if (UNREADABLE.has(error.name)) {
    const { provider, baseUrlVariable, role } = context;
    const fix = baseUrlVariable
      ? `check that ${baseUrlVariable} points at a server that speaks ${provider.name}'s API`
      : `try again, or choose another model with ${role.flag}`;
    return new UserError(`${provider.name} sent a reply the app cannot read (${oneLine(error.message, 120)}): ${fix}`);
  }
  return error;
};
