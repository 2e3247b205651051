import type { GenerateContentResponseUsageMetadata, GoogleGenAI, Schema, Type } from '@google/genai';
import { routeModel } from '../config/providers.js';
import {
  DEFAULT_LLM_TIMEOUT_MS,
  UnusableOutputError,
  type JsonSchema,
  type LlmClient,
  type ModelRequest,
  type ModelUsage,
} from './client.js';
import { classifyGeminiError } from './geminiErrors.js';

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

/**
 * `gemini/gemini-2.5-flash` → `gemini-2.5-flash`, aider's `flash` → `gemini-flash-latest`: the API
 * knows models by their bare names. A name the routing does not know is sent as it is.
 */
const geminiModelId = (model: string): string => {
  const route = routeModel(model);
  return route?.provider.id === 'gemini' ? route.id : model.trim();
};

/**
 * A JSON Schema in Gemini's OpenAPI-style Schema: upper-case types, no additionalProperties.
 * (The SDK's `Type` enum values are spelled out: importing the enum would load the SDK at start-up.)
 */
export const toGeminiSchema = (schema: JsonSchema): Schema => {
  const out: Schema = {};
  if (typeof schema.type === 'string') out.type = schema.type.toUpperCase() as Type;
  if (typeof schema.description === 'string') out.description = schema.description;
  if (Array.isArray(schema.required)) out.required = schema.required.map(String);
  // Gemini marks a closed set of strings with format "enum".
  if (Array.isArray(schema.enum)) Object.assign(out, { format: 'enum', enum: schema.enum.map(String) });
  if (schema.items && typeof schema.items === 'object') out.items = toGeminiSchema(schema.items as JsonSchema);
  if (schema.properties && typeof schema.properties === 'object') {
    out.properties = Object.fromEntries(
      Object.entries(schema.properties as Record<string, JsonSchema>).map(([key, value]) => [key, toGeminiSchema(value)]),
    );
  }
  return out;
};

/** Gemini's token counts; thinking tokens are billed as output, so they count as completion. */
export const geminiUsage = (metadata: GenerateContentResponseUsageMetadata | undefined): ModelUsage | undefined => {
  if (!metadata) return undefined;
  const prompt = metadata.promptTokenCount ?? 0;
  const completion = (metadata.candidatesTokenCount ?? 0) + (metadata.thoughtsTokenCount ?? 0);
  return { prompt, completion, total: metadata.totalTokenCount ?? prompt + completion };
};

/**
 * Gemini models through Google's Gen AI SDK (the default provider of the PRD model).
 *
 * - The SDK (850 KB of JS) is imported on the first request, not at start-up, so the first
 *   frame does not wait for it (BENCHMARKS.md, start-up).
 * - `vertexai: false` so GOOGLE_GENAI_USE_VERTEXAI in the environment cannot switch backends.
 * - No `httpOptions.retryOptions`: the SDK then makes exactly one HTTP attempt per call,
 *   and llm/retry.ts is the only retry loop (checked in @google/genai 3.1 ApiClient.apiCall).
 * - The key goes in the `x-goog-api-key` header, never in the URL.
 */
export const createGeminiClient = (options: GeminiClientOptions): LlmClient => {
  let client: Promise<GoogleGenAI> | undefined;
  const sdk = () =>
    (client ??= import('@google/genai').then(
      ({ GoogleGenAI }) =>
        new GoogleGenAI({
          apiKey: options.apiKey,
          vertexai: false,
          httpOptions: {
            ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
            timeout: options.timeoutMs ?? DEFAULT_LLM_TIMEOUT_MS,
          },
        }),
    ));
  const context = (request: ModelRequest) => ({ model: request.model, role: request.role, signal: request.signal });

  return {
    providerName: () => 'Gemini',

    streamText: async (request, onText) => {
      let text = '';
      let finishReason: string | undefined;
      try {
        const stream = await (await sdk()).models.generateContentStream({
          model: geminiModelId(request.model),
          contents: request.prompt,
          config: { systemInstruction: request.system, abortSignal: request.signal },
        });
        for await (const chunk of stream) {
          finishReason = chunk.candidates?.[0]?.finishReason ?? finishReason;
          const piece = chunk.text;
          if (!piece) continue;
          text += piece;
          onText(piece);
        }
      } catch (error) {
        throw classifyGeminiError(error, context(request));
      }
      return { text, finishReason };
    },

    generateObject: async (request) => {
      let text: string;
      let usage: ModelUsage | undefined;
      try {
        const response = await (await sdk()).models.generateContent({
          model: geminiModelId(request.model),
          contents: request.prompt,
          config: {
            systemInstruction: request.system,
            responseMimeType: 'application/json',
            responseSchema: toGeminiSchema(request.schema),
            abortSignal: request.signal,
          },
        });
        text = response.text ?? '';
        usage = geminiUsage(response.usageMetadata);
      } catch (error) {
        throw classifyGeminiError(error, context(request));
      }
      try {
        return { value: JSON.parse(text) as unknown, usage };
      } catch {
        throw new UnusableOutputError('not JSON', { usage });
      }
    },
  };
};
