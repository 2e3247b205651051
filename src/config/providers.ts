import { UserError } from '../errors.js';
import { supervisorModelOf, type Settings } from './settings.js';

export type ProviderId = 'openai' | 'anthropic' | 'gemini' | 'openrouter' | 'deepseek' | 'ollama';

export interface Provider {
  id: ProviderId;
  name: string;
  /** Variables aider reads for this provider's key; any one of them is enough. Empty: no key needed. */
  keyVars: readonly string[];
  /** Variables that point it at another server, in the order litellm reads them (the first set wins). */
  baseUrlVars: readonly string[];
}

const OPENAI: Provider = { id: 'openai', name: 'OpenAI', keyVars: ['OPENAI_API_KEY'], baseUrlVars: ['OPENAI_API_BASE'] };
const ANTHROPIC: Provider = {
  id: 'anthropic',
  name: 'Anthropic',
  keyVars: ['ANTHROPIC_API_KEY'],
  baseUrlVars: ['ANTHROPIC_API_BASE', 'ANTHROPIC_BASE_URL'],
};
// The Gemini endpoint is a setting (GOOGLE_GEMINI_BASE_URL or the stored geminiBaseUrl), not read here.
const GEMINI: Provider = { id: 'gemini', name: 'Gemini', keyVars: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'], baseUrlVars: [] };
const OPENROUTER: Provider = {
  id: 'openrouter',
  name: 'OpenRouter',
  keyVars: ['OPENROUTER_API_KEY'],
  baseUrlVars: ['OPENROUTER_API_BASE'],
};
const DEEPSEEK: Provider = { id: 'deepseek', name: 'DeepSeek', keyVars: ['DEEPSEEK_API_KEY'], baseUrlVars: ['DEEPSEEK_API_BASE'] };
const OLLAMA: Provider = { id: 'ollama', name: 'Ollama', keyVars: [], baseUrlVars: ['OLLAMA_API_BASE'] };

/** Aider's own short model names (aider 0.86.2 models.py MODEL_ALIASES) → the names they stand for. */
const ALIASES: Record<string, string> = {
  sonnet: 'claude-sonnet-4-5',
  haiku: 'claude-haiku-4-5',
  opus: 'claude-opus-4-6',
  '4': 'gpt-4-0613',
  '4o': 'gpt-4o',
  '4-turbo': 'gpt-4-1106-preview',
  '35turbo': 'gpt-3.5-turbo',
  '35-turbo': 'gpt-3.5-turbo',
  '3': 'gpt-3.5-turbo',
  deepseek: 'deepseek/deepseek-chat',
  r1: 'deepseek/deepseek-reasoner',
  flash: 'gemini/gemini-flash-latest',
  'flash-lite': 'gemini/gemini-2.5-flash-lite',
  gemini: 'gemini/gemini-3-pro-preview',
  'gemini-exp': 'gemini/gemini-2.5-pro-exp-03-25',
  'gemini-2.5-pro': 'gemini/gemini-2.5-pro',
  'gemini-3-pro-preview': 'gemini/gemini-3-pro-preview',
  quasar: 'openrouter/openrouter/quasar-alpha',
  optimus: 'openrouter/openrouter/optimus-alpha',
};

/** litellm's `provider/` prefixes: the rest of the name is the provider's own model id. */
const PREFIXES: [string, Provider][] = [
  ['openai/', OPENAI],
  ['anthropic/', ANTHROPIC],
  ['gemini/', GEMINI],
  ['vertex_ai/', GEMINI],
  ['openrouter/', OPENROUTER],
  ['deepseek/', DEEPSEEK],
  ['ollama_chat/', OLLAMA],
  ['ollama/', OLLAMA],
];

/** Bare names of a model family (no prefix): the name is the model id. */
const FAMILIES: [RegExp, Provider][] = [
  [/^(gpt-|chatgpt-|o1|o3|o4|text-davinci)/, OPENAI],
  [/^claude-/, ANTHROPIC],
  [/^gemini-/, GEMINI],
  [/^deepseek-/, DEEPSEEK],
];

/** A model name in aider's notation, taken apart. */
export interface ModelRoute {
  /** The name as the user wrote it (`openai/gpt-4.1`, `sonnet`): messages show this one. */
  name: string;
  provider: Provider;
  /** The provider's own model id (`gpt-4.1`, `claude-sonnet-4-5`): what its API is sent. */
  id: string;
}

/** Which provider serves a model name in aider's notation, and its id there; undefined when we cannot tell. */
export const routeModel = (model: string): ModelRoute | undefined => {
  const name = model.trim();
  const full = ALIASES[name.toLowerCase()] ?? name;
  const lower = full.toLowerCase();
  const prefixed = PREFIXES.find(([prefix]) => lower.startsWith(prefix));
  // Ids keep their case: a local server's model may be `Qwen/Qwen2.5-Coder-32B-Instruct`.
  if (prefixed) return { name, provider: prefixed[1], id: full.slice(prefixed[0].length) };
  const family = FAMILIES.find(([pattern]) => pattern.test(lower));
  return family ? { name, provider: family[1], id: full } : undefined;
};

/** Which provider serves an aider model name; undefined when we cannot tell (aider may still know it). */
export const detectProvider = (model: string): Provider | undefined => routeModel(model)?.provider;

/** The server a provider is pointed at by the environment, if any: the URL and the variable that set it. */
export const providerBaseUrl = (provider: Provider, env: NodeJS.ProcessEnv): { url: string; variable: string } | undefined => {
  for (const variable of provider.baseUrlVars) {
    const url = env[variable]?.trim();
    if (url) return { url, variable };
  }
  return undefined;
};

/** The provider's key from the environment (the first of its variables that is set). */
export const providerKey = (provider: Provider, env: NodeJS.ProcessEnv): string | undefined =>
  provider.keyVars.map((name) => env[name]?.trim()).find(Boolean);

/**
 * Variables passed through to every aider: provider keys and endpoints
 * (OPENAI_API_BASE for self-hosted OpenAI-compatible gateways and local servers).
 */
export const PROVIDER_ENV_VARS = [
  'OPENAI_API_KEY',
  'OPENAI_API_BASE',
  'OPENAI_ORGANIZATION',
  'ANTHROPIC_API_KEY',
  'ANTHROPIC_API_BASE',
  'ANTHROPIC_BASE_URL',
  'GEMINI_API_KEY',
  'GOOGLE_API_KEY',
  'OPENROUTER_API_KEY',
  'OPENROUTER_API_BASE',
  'DEEPSEEK_API_KEY',
  'DEEPSEEK_API_BASE',
  'OLLAMA_API_BASE',
  'GROQ_API_KEY',
  'MISTRAL_API_KEY',
  'XAI_API_KEY',
  'AZURE_API_KEY',
  'AZURE_API_BASE',
  'AZURE_API_VERSION',
] as const;

/** A part of the app that calls a model: named in messages, with the flag that chooses its model. */
export interface ModelRole {
  name: string;
  flag: string;
}

export const AGENT_ROLE: ModelRole = { name: 'agent model', flag: '--model' };
export const PRD_ROLE: ModelRole = { name: 'PRD model', flag: '--prd-model' };
export const SUPERVISOR_ROLE: ModelRole = { name: 'supervisor model', flag: '--supervisor-model' };

/** The one-line error for a role's model whose provider key is not set. */
export const missingKeyError = (role: ModelRole, model: string, provider: Provider): UserError => {
  const local =
    provider === OPENAI && model.trim().toLowerCase().startsWith('openai/')
      ? ' (any value works for a local OpenAI-compatible server set in OPENAI_API_BASE)'
      : '';
  return new UserError(
    `the ${role.name} ${model} needs ${provider.name}'s key: set ${provider.keyVars.join(' or ')} in the environment or .env${local}, or choose another model with ${role.flag}`,
  );
};

/** A role's model needs its provider's key in the environment (or .env); say which variable. */
export const checkModelKey = (role: ModelRole, model: string, env: NodeJS.ProcessEnv): void => {
  const provider = detectProvider(model);
  if (!provider || provider.keyVars.length === 0) return;
  if (!providerKey(provider, env)) throw missingKeyError(role, model, provider);
};

/** The agents' model (aider's --model) needs its provider's key. */
export const checkAgentModelKey = (model: string, env: NodeJS.ProcessEnv): void => checkModelKey(AGENT_ROLE, model, env);

const APP_PROVIDERS = 'gemini/…, openai/…, anthropic/…, openrouter/…, deepseek/… or ollama_chat/…';

/** Whether the app would call `model` through Google's Gemini API (and so use the Google key). */
const isGeminiModel = (model: string): boolean => routeModel(model)?.provider === GEMINI;

/** A model the app calls itself (the PRD model, the supervisor): a provider the app can call. */
const routeAppModel = (role: ModelRole, model: string): ModelRoute => {
  const route = routeModel(model);
  if (!route) {
    throw new UserError(
      `cannot tell which provider serves the ${role.name} ${model}: write it as provider/model (${APP_PROVIDERS}), e.g. ${role.flag} openai/${model}`,
    );
  }
  if (route.provider === GEMINI && model.trim().toLowerCase().startsWith('vertex_ai/')) {
    throw new UserError(
      `the ${role.name} ${model} is served by Vertex AI, which the app does not call: use gemini/${route.id} with a Google API key`,
    );
  }
  return route;
};

/**
 * A Gemini model the app calls takes the Google key of the settings (GEMINI_API_KEY,
 * GOOGLE_API_KEY or --api-key); any other provider its own variable, like aider.
 */
const checkAppModelKey = (role: ModelRole, route: ModelRoute, geminiApiKey: string | undefined, env: NodeJS.ProcessEnv): void => {
  if (route.provider !== GEMINI) {
    checkModelKey(role, route.name, env);
    return;
  }
  if (geminiApiKey?.trim()) return;
  throw new UserError(
    `no Google API key for the ${role.name} ${route.name}: set GEMINI_API_KEY (or GOOGLE_API_KEY) in the environment or .env or pass --api-key, or choose a ${role.name} of a provider you have a key for (${role.flag} openai/gpt-4.1, anthropic/claude-sonnet-4-5, ...)`,
  );
};

/**
 * The PRD model (it writes the plan too): a provider the app can call, and that provider's key.
 * `apiKeyFlag` is --api-key as given, which only a Gemini model uses (the PRD model, or the
 * supervisor when it is on).
 */
export const checkPrdModel = (
  settings: Pick<Settings, 'prdModel' | 'geminiApiKey'> & Partial<Pick<Settings, 'supervisor' | 'supervisorModel'>>,
  env: NodeJS.ProcessEnv,
  apiKeyFlag?: string,
): void => {
  const model = settings.prdModel;
  const route = routeAppModel(PRD_ROLE, model);
  const supervisorUsesIt =
    settings.supervisor === true && isGeminiModel(supervisorModelOf({ prdModel: model, supervisorModel: settings.supervisorModel }));
  if (route.provider !== GEMINI && apiKeyFlag?.trim() && !supervisorUsesIt) {
    const { name, keyVars } = route.provider;
    const fix =
      keyVars.length > 0 ? `set ${keyVars.join(' or ')} in the environment or .env instead` : `${name} needs no key: leave --api-key out`;
    throw new UserError(`--api-key is a Google key, and the PRD model ${model} is ${name}'s: ${fix}`);
  }
  checkAppModelKey(PRD_ROLE, route, settings.geminiApiKey, env);
};

/**
 * The supervisor's model, when the supervisor is on and has a model of its own (the PRD model is
 * checked by checkPrdModel): a provider the app can call, and its key. Checked with the PRD
 * model's, before anything is paid for.
 */
export const checkSupervisorModel = (
  settings: Pick<Settings, 'supervisor' | 'supervisorModel' | 'prdModel' | 'geminiApiKey'>,
  env: NodeJS.ProcessEnv,
): void => {
  if (!settings.supervisor) return;
  const model = supervisorModelOf(settings);
  if (model.trim() === settings.prdModel.trim()) return;
  checkAppModelKey(SUPERVISOR_ROLE, routeAppModel(SUPERVISOR_ROLE, model), settings.geminiApiKey, env);
};
