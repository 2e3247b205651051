import type { GoogleGenAI } from '@google/genai';

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

/** The two calls the app makes; the SDK behind them is loaded on the first call. */
export interface GeminiApi {
  models: Pick<GoogleGenAI['models'], 'generateContent' | 'generateContentStream'>;
}

/**
 * The Gemini client for PRD and plan requests.
 *
 * - The SDK (850 KB of JS) is imported on the first request, not at start-up, so the first
 *   frame does not wait for it (BENCHMARKS.md, start-up).
 * - `vertexai: false` so GOOGLE_GENAI_USE_VERTEXAI in the environment cannot switch backends.
 * - No `httpOptions.retryOptions`: the SDK then makes exactly one HTTP attempt per call,
 *   and llm/retry.ts is the only retry loop (checked in @google/genai 3.1 ApiClient.apiCall).
 * - The key goes in the `x-goog-api-key` header, never in the URL.
 */
export const createGeminiClient = (options: GeminiClientOptions): GeminiApi => {
  let client: Promise<GoogleGenAI> | undefined;
  const sdk = () =>
    (client ??= import('@google/genai').then(
      ({ GoogleGenAI }) =>
        new GoogleGenAI({
          apiKey: options.apiKey,
          vertexai: false,
          httpOptions: {
            ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
            timeout: options.timeoutMs ?? DEFAULT_GEMINI_TIMEOUT_MS,
          },
        }),
    ));
  return {
    models: {
      generateContent: async (request) => (await sdk()).models.generateContent(request),
      generateContentStream: async (request) => (await sdk()).models.generateContentStream(request),
    },
  };
};
