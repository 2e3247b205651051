import { UserError } from '../errors.js';
import type { Settings } from './settings.js';

export interface Provider {
  name: string;
  /** Variables aider reads for this provider's key; any one of them is enough. Empty: no key needed. */
  keyVars: readonly string[];
}

const OPENAI: Provider = { name: 'OpenAI', keyVars: ['OPENAI_API_KEY'] };
const ANTHROPIC: Provider = { name: 'Anthropic', keyVars: ['ANTHROPIC_API_KEY'] };
const GEMINI: Provider = { name: 'Gemini', keyVars: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'] };
const OPENROUTER: Provider = { name: 'OpenRouter', keyVars: ['OPENROUTER_API_KEY'] };
const DEEPSEEK: Provider = { name: 'DeepSeek', keyVars: ['DEEPSEEK_API_KEY'] };
const OLLAMA: Provider = { name: 'Ollama', keyVars: [] };

/** Aider's own short model names (aider/models.py MODEL_ALIASES) → provider. */
const ALIASES: Record<string, Provider> = {
  sonnet: ANTHROPIC,
  haiku: ANTHROPIC,
  opus: ANTHROPIC,
  '4': OPENAI,
  '4o': OPENAI,
  '4-turbo': OPENAI,
  '35turbo': OPENAI,
  '35-turbo': OPENAI,
  '3': OPENAI,
  deepseek: DEEPSEEK,
  r1: DEEPSEEK,
  flash: GEMINI,
  gemini: GEMINI,
  'gemini-exp': GEMINI,
  'gemini-2.5-pro': GEMINI,
  quasar: OPENROUTER,
  optimus: OPENROUTER,
};

/** Prefix (litellm's `provider/model` or a family name) → provider. First match wins. */
const PREFIXES: [RegExp, Provider][] = [
  [/^openai\//, OPENAI],
  [/^anthropic\//, ANTHROPIC],
  [/^(gemini|vertex_ai)\//, GEMINI],
  [/^openrouter\//, OPENROUTER],
  [/^deepseek\//, DEEPSEEK],
  [/^ollama(_chat)?\//, OLLAMA],
  [/^(gpt-|chatgpt-|o1|o3|o4|text-davinci)/, OPENAI],
  [/^claude-/, ANTHROPIC],
  [/^gemini-/, GEMINI],
  [/^deepseek-/, DEEPSEEK],
];

/** Which provider serves an aider model name; undefined when we cannot tell (aider may still know it). */
export const detectProvider = (model: string): Provider | undefined => {
  const name = model.trim().toLowerCase();
  return ALIASES[name] ?? PREFIXES.find(([pattern]) => pattern.test(name))?.[1];
};

/**
 * Variables passed through to every aider: provider keys and endpoints
 * (OPENAI_API_BASE for self-hosted OpenAI-compatible gateways and local servers).
 */
export const PROVIDER_ENV_VARS = [
  'OPENAI_API_KEY',
  'OPENAI_API_BASE',
  'OPENAI_ORGANIZATION',
  'ANTHROPIC_API_KEY',
  'GEMINI_API_KEY',
  'GOOGLE_API_KEY',
  'OPENROUTER_API_KEY',
  'DEEPSEEK_API_KEY',
  'OLLAMA_API_BASE',
  'GROQ_API_KEY',
  'MISTRAL_API_KEY',
  'XAI_API_KEY',
  'AZURE_API_KEY',
  'AZURE_API_BASE',
  'AZURE_API_VERSION',
] as const;

/** The agents' model needs its provider's key in the environment (or .env); say which variable. */
export const checkAgentModelKey = (model: string, env: NodeJS.ProcessEnv): void => {
  const provider = detectProvider(model);
  if (!provider || provider.keyVars.length === 0) return;
  if (provider.keyVars.some((name) => env[name]?.trim())) return;
  const local = provider === OPENAI && model.startsWith('openai/') ? ' (any value works for a local OpenAI-compatible server set in OPENAI_API_BASE)' : '';
  throw new UserError(
    `the agent model ${model} needs ${provider.name}'s key: set ${provider.keyVars.join(' or ')} in the environment or .env${local}, or choose another model with --model`,
  );
};

/** The PRD model (Gemini) needs a Google key. */
export const checkGeminiKey = (settings: Pick<Settings, 'geminiApiKey'>): void => {
  if (settings.geminiApiKey?.trim()) return;
  throw new UserError(
    'no Google API key for the PRD model: set GEMINI_API_KEY (or GOOGLE_API_KEY) in the environment or .env, or pass --api-key',
  );
};
