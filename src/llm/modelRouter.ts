import { providerBaseUrl, providerKey, routeModel, type ProviderId } from '../config/providers.js';
import { UserError } from '../errors.js';
import { createAiSdkClient } from './aiSdkClient.js';
import type { LlmClient } from './client.js';
import { createGeminiClient } from './geminiClient.js';

export interface LlmClientOptions {
  /** The run's environment (.env merged in): provider keys and endpoints, read as aider reads them. */
  env: NodeJS.ProcessEnv;
  /** Google key for Gemini models (GEMINI_API_KEY, GOOGLE_API_KEY or --api-key). */
  geminiApiKey: string | undefined;
  /** Gemini endpoint override (settings.geminiBaseUrl). */
  geminiBaseUrl?: string | undefined;
  /** Per-attempt deadline in ms; it bounds a whole streamed reply. */
  timeoutMs?: number | undefined;
}

/**
 * The client for every model role: each request goes to the provider its model names
 * (config/providers.ts routeModel). Gemini goes through Google's SDK (geminiClient.ts), the
 * others through the Vercel AI SDK (aiSdkClient.ts). Each provider's client is made on its
 * first request, and loads its SDK then: start-up loads none of them.
 */
export const createLlmClient = (options: LlmClientOptions): LlmClient => {
  const clients = new Map<ProviderId, LlmClient>();
  const clientFor = (model: string): LlmClient => {
    const route = routeModel(model);
    if (!route) {
      throw new UserError(`cannot tell which provider serves the model ${model}: write it as provider/model, e.g. openai/${model}`);
    }
    const { provider } = route;
    let client = clients.get(provider.id);
    if (!client) {
      client =
        provider.id === 'gemini'
          ? createGeminiClient({ apiKey: options.geminiApiKey ?? '', baseUrl: options.geminiBaseUrl, timeoutMs: options.timeoutMs })
          : createAiSdkClient({
              provider,
              apiKey: providerKey(provider, options.env),
              baseUrl: providerBaseUrl(provider, options.env),
              timeoutMs: options.timeoutMs,
            });
      clients.set(provider.id, client);
    }
    return client;
  };
  return {
    providerName: (model) => routeModel(model)?.provider.name ?? 'the model',
    streamText: async (request, onText) => clientFor(request.model).streamText(request, onText),
    generateObject: async (request) => clientFor(request.model).generateObject(request),
  };
};
