import { GoogleGenAI } from '@google/genai';

export interface GeminiClientOptions {
  apiKey: string;
  /** Endpoint override (settings.geminiBaseUrl: a gateway, or a test server). */
  baseUrl?: string | undefined;
  /**
   * Per-attempt deadline in ms. The SDK keeps it armed while a stream is read,
   * so it bounds a whole streamed PRD, not just the wait for the first byte.
   */
  timeoutMs?: number | undefined;
}

/** Long enough for a full PRD from a thinking model; a hung connection is cut after it. */
export const DEFAULT_GEMINI_TIMEOUT_MS = 180_000;

/**
 * The Gemini client for PRD and plan requests.
 *
 * - `vertexai: false` so GOOGLE_GENAI_USE_VERTEXAI in the environment cannot switch backends.
 * - No `httpOptions.retryOptions`: the SDK then makes exactly one HTTP attempt per call,
 *   and llm/retry.ts is the only retry loop (checked in @google/genai 3.1 ApiClient.apiCall).
 * - The key goes in the `x-goog-api-key` header, never in the URL.
 */
export const createGeminiClient = (options: GeminiClientOptions): GoogleGenAI =>
  new GoogleGenAI({
    apiKey: options.apiKey,
    vertexai: false,
    httpOptions: {
      ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
      timeout: options.timeoutMs ?? DEFAULT_GEMINI_TIMEOUT_MS,
    },
  });
