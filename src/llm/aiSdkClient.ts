import type { LanguageModel, LanguageModelUsage } from 'ai';
import { missingKeyError, routeModel, type Provider } from '../config/providers.js';
import { CancelledError } from '../errors.js';
import { classifyAiSdkError } from './aiSdkErrors.js';
import { DEFAULT_LLM_TIMEOUT_MS, UnusableOutputError, type LlmClient, type ModelRequest, type ModelUsage } from './client.js';
import { RetryableError } from './retry.js';

export interface AiSdkClientOptions {
  /** Any provider but Gemini (which goes through Google's own SDK). */
  provider: Provider;
  /** The provider's key; undefined for servers that need none (Ollama). */
  apiKey: string | undefined;
  /** Where the environment points the provider (OPENAI_API_BASE...), as aider reads it; else its public API. */
  baseUrl?: { url: string; variable: string } | undefined;
  /** Per-attempt deadline in ms; it bounds a whole streamed reply. */
  timeoutMs?: number | undefined;
}

/** The public APIs, as the SDK packages expect them (with the version path). */
const DEFAULT_BASE_URLS: Record<string, string> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com/v1',
  openrouter: 'https://openrouter.ai/api/v1',
  deepseek: 'https://api.deepseek.com',
  ollama: 'http://127.0.0.1:11434',
};

const trimSlashes = (url: string): string => url.replace(/\/+$/, '');

/**
 * The SDK's base URL for a variable's value. litellm (so aider) takes ANTHROPIC_API_BASE as the
 * server's root and appends `/v1/messages`, and OLLAMA_API_BASE as the root of Ollama's own API;
 * the SDKs want the versioned path (`/v1`, where Ollama serves its OpenAI-compatible API).
 */
export const sdkBaseUrl = (provider: Provider, url: string | undefined): string => {
  const base = trimSlashes(url ?? DEFAULT_BASE_URLS[provider.id] ?? '');
  if (provider.id === 'anthropic' || provider.id === 'ollama') return `${base.replace(/\/v1(\/messages)?$/, '')}/v1`;
  return base;
};

/**
 * The language model for a model id. Every option is passed explicitly, so the SDKs never read
 * the process environment themselves (OPENAI_BASE_URL, which aider is kept from too, cannot
 * redirect a request). OpenAI goes through its chat completions API (what aider and every
 * OpenAI-compatible server speak); OpenRouter, DeepSeek and Ollama through the OpenAI-compatible
 * provider (DeepSeek has JSON mode but no JSON schema).
 */
const languageModel = async (provider: Provider, id: string, apiKey: string | undefined, baseURL: string): Promise<LanguageModel> => {
  if (provider.id === 'openai') {
    const { createOpenAI } = await import('@ai-sdk/openai');
    return createOpenAI({ apiKey, baseURL }).chat(id);
  }
  if (provider.id === 'anthropic') {
    const { createAnthropic } = await import('@ai-sdk/anthropic');
    return createAnthropic({ apiKey, baseURL })(id);
  }
  const { createOpenAICompatible } = await import('@ai-sdk/openai-compatible');
  return createOpenAICompatible({ name: provider.id, apiKey, baseURL, supportsStructuredOutputs: provider.id !== 'deepseek' }).chatModel(
    id,
  );
};

/** The SDK's token counts in the app's terms; undefined when the provider sent none. */
export const aiSdkUsage = (usage: LanguageModelUsage | undefined): ModelUsage | undefined => {
  if (!usage || (usage.inputTokens === undefined && usage.outputTokens === undefined && usage.totalTokens === undefined)) return undefined;
  const prompt = usage.inputTokens ?? 0;
  const completion = usage.outputTokens ?? 0;
  return { prompt, completion, total: usage.totalTokens ?? prompt + completion };
};

/** The SDK core, loaded with the first request; its warnings would draw over the TUI, so they are off. */
const loadAi = async () => {
  const ai = await import('ai');
  globalThis.AI_SDK_LOG_WARNINGS = false;
  return ai;
};

/**
 * OpenAI, Anthropic, OpenRouter, DeepSeek, Ollama and any OpenAI-compatible server through the
 * Vercel AI SDK (`ai` and its provider packages), loaded on the first request.
 * `maxRetries: 0`: the SDK makes one HTTP attempt per call, llm/retry.ts is the only retry loop.
 */
export const createAiSdkClient = (options: AiSdkClientOptions): LlmClient => {
  const { provider, apiKey } = options;
  const baseURL = sdkBaseUrl(provider, options.baseUrl?.url);
  const timeout = options.timeoutMs ?? DEFAULT_LLM_TIMEOUT_MS;
  const models = new Map<string, Promise<LanguageModel>>();

  const prepare = async (request: ModelRequest) => {
    if (provider.keyVars.length > 0 && !apiKey) throw missingKeyError(request.role, request.model, provider);
    const id = routeModel(request.model)?.id ?? request.model;
    let model = models.get(id);
    if (!model) {
      model = languageModel(provider, id, apiKey, baseURL);
      models.set(id, model);
    }
    const [ai, languageModelInstance] = await Promise.all([loadAi(), model]);
    return { ai, model: languageModelInstance };
  };
  const context = (request: ModelRequest) => ({
    model: request.model,
    role: request.role,
    provider,
    baseUrlVariable: options.baseUrl?.variable,
    baseUrl: baseURL,
    signal: request.signal,
  });

  return {
    providerName: () => provider.name,

    streamText: async (request, onText) => {
      let text = '';
      let finishReason: string | undefined;
      try {
        const { ai, model } = await prepare(request);
        const result = ai.streamText({
          model,
          system: request.system,
          prompt: request.prompt,
          maxRetries: 0,
          timeout,
          abortSignal: request.signal,
          // Errors arrive as stream parts, read below; the default handler would print them.
          onError: () => {},
        });
        for await (const part of result.stream) {
          if (part.type === 'text-delta') {
            text += part.text;
            onText(part.text);
          } else if (part.type === 'finish') {
            finishReason = part.rawFinishReason ?? part.finishReason;
          } else if (part.type === 'error') {
            throw part.error;
          } else if (part.type === 'abort') {
            // The stream ends quietly on an abort: the caller's signal, or the attempt's deadline.
            throw request.signal?.aborted ? new CancelledError() : new RetryableError('timed out');
          }
        }
      } catch (error) {
        throw classifyAiSdkError(error, context(request));
      }
      return { text, finishReason };
    },

    generateObject: async (request) => {
      try {
        const { ai, model } = await prepare(request);
        const result = await ai.generateText({
          model,
          system: request.system,
          prompt: request.prompt,
          // The provider's structured output: json_schema (OpenAI), output_config or a forced tool (Anthropic).
          // No validation here: the caller checks the shape and says what is wrong.
          output: ai.Output.object({ schema: ai.jsonSchema(request.schema), name: request.name }),
          maxRetries: 0,
          timeout,
          abortSignal: request.signal,
        });
        return { value: result.output as unknown, usage: aiSdkUsage(result.usage) };
      } catch (error) {
        if (error instanceof Error && error.name === 'AI_NoObjectGeneratedError') {
          const { usage } = error as Error & { usage?: LanguageModelUsage };
          throw new UnusableOutputError('not JSON', { cause: error, usage: aiSdkUsage(usage) });
        }
        throw classifyAiSdkError(error, context(request));
      }
    },
  };
};
