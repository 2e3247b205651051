import { describe, expect, it } from 'vitest';
import { checkAgentModelKey, checkPrdModel, detectProvider, routeModel } from '../../../src/config/providers.js';

describe('model → provider', () => {
  it.each([
    ['gpt-4o', 'OpenAI'],
    ['o3-mini', 'OpenAI'],
    ['openai/my-local-model', 'OpenAI'],
    ['sonnet', 'Anthropic'],
    ['claude-3-5-sonnet-20241022', 'Anthropic'],
    ['anthropic/claude-sonnet-4', 'Anthropic'],
    ['gemini/gemini-2.5-pro', 'Gemini'],
    ['flash', 'Gemini'],
    ['openrouter/meta-llama/llama-3-70b', 'OpenRouter'],
    ['deepseek', 'DeepSeek'],
    ['deepseek/deepseek-chat', 'DeepSeek'],
    ['ollama_chat/qwen2.5-coder', 'Ollama'],
  ])('%s is served by %s', (model, provider) => {
    expect(detectProvider(model)?.name).toBe(provider);
  });

  it('does not guess an unknown model', () => {
    expect(detectProvider('some-new-model')).toBeUndefined();
  });
});

describe('key checks', () => {
  it('names the missing variable', () => {
    expect(() => checkAgentModelKey('sonnet', {})).toThrow(/sonnet needs Anthropic's key: set ANTHROPIC_API_KEY/);
    expect(() => checkAgentModelKey('flash', {})).toThrow(/GEMINI_API_KEY or GOOGLE_API_KEY/);
  });

  it('passes when a key is set, and for providers without keys', () => {
    expect(() => checkAgentModelKey('gpt-4o', { OPENAI_API_KEY: 'sk-x' })).not.toThrow();
    expect(() => checkAgentModelKey('ollama/llama3', {})).not.toThrow();
  });

  it('asks for a Google key for a Gemini PRD model', () => {
    expect(() => checkPrdModel({ prdModel: 'gemini-2.5-flash', geminiApiKey: undefined }, {})).toThrow(
      /set GEMINI_API_KEY \(or GOOGLE_API_KEY\).*or pass --api-key/,
    );
    expect(() => checkPrdModel({ prdModel: 'gemini-2.5-flash', geminiApiKey: 'k' }, {})).not.toThrow();
  });
});

describe('model names in aider notation → provider and model id', () => {
  it.each([
    ['gemini-2.5-flash', 'gemini', 'gemini-2.5-flash'],
    ['gemini/gemini-2.5-flash', 'gemini', 'gemini-2.5-flash'],
    ['openai/gpt-4.1', 'openai', 'gpt-4.1'],
    ['gpt-4.1', 'openai', 'gpt-4.1'],
    ['openai/Qwen/Qwen2.5-Coder-32B-Instruct', 'openai', 'Qwen/Qwen2.5-Coder-32B-Instruct'],
    ['anthropic/claude-sonnet-4-5', 'anthropic', 'claude-sonnet-4-5'],
    ['claude-sonnet-4-5', 'anthropic', 'claude-sonnet-4-5'],
    ['sonnet', 'anthropic', 'claude-sonnet-4-5'],
    ['openrouter/meta-llama/llama-3-70b', 'openrouter', 'meta-llama/llama-3-70b'],
    ['deepseek', 'deepseek', 'deepseek-chat'],
    ['deepseek/deepseek-reasoner', 'deepseek', 'deepseek-reasoner'],
    ['ollama_chat/qwen2.5-coder:7b', 'ollama', 'qwen2.5-coder:7b'],
    ['ollama/llama3', 'ollama', 'llama3'],
  ])('%s → %s, %s', (model, provider, id) => {
    expect(routeModel(model)).toEqual({ name: model, provider: expect.objectContaining({ id: provider }), id });
  });
});

describe('the PRD model key check, per provider', () => {
  it('needs no Google key when the PRD model is another provider’s: OPENAI_API_KEY alone is enough', () => {
    expect(() => checkPrdModel({ prdModel: 'openai/gpt-4.1', geminiApiKey: undefined }, { OPENAI_API_KEY: 'sk-x' })).not.toThrow();
    expect(() =>
      checkPrdModel({ prdModel: 'anthropic/claude-sonnet-4-5', geminiApiKey: undefined }, { ANTHROPIC_API_KEY: 'a' }),
    ).not.toThrow();
    expect(() => checkPrdModel({ prdModel: 'ollama_chat/llama3', geminiApiKey: undefined }, {})).not.toThrow();
  });

  it('names the missing variable and the flag that changes the model', () => {
    expect(() => checkPrdModel({ prdModel: 'openai/gpt-4.1', geminiApiKey: 'g' }, {})).toThrow(
      "the PRD model openai/gpt-4.1 needs OpenAI's key: set OPENAI_API_KEY in the environment or .env (any value works for a local OpenAI-compatible server set in OPENAI_API_BASE), or choose another model with --prd-model",
    );
    expect(() => checkPrdModel({ prdModel: 'anthropic/claude-sonnet-4-5', geminiApiKey: 'g' }, { OPENAI_API_KEY: 'x' })).toThrow(
      /needs Anthropic's key: set ANTHROPIC_API_KEY .*--prd-model$/,
    );
    expect(() => checkPrdModel({ prdModel: 'openrouter/x/y', geminiApiKey: undefined }, {})).toThrow(/set OPENROUTER_API_KEY/);
    expect(() => checkPrdModel({ prdModel: 'deepseek/deepseek-chat', geminiApiKey: undefined }, {})).toThrow(/set DEEPSEEK_API_KEY/);
  });

  it('refuses a name whose provider it cannot tell, and Vertex AI', () => {
    expect(() => checkPrdModel({ prdModel: 'llama3', geminiApiKey: 'g' }, {})).toThrow(
      /^cannot tell which provider serves the PRD model llama3: write it as provider\/model .*e\.g\. --prd-model openai\/llama3$/,
    );
    expect(() => checkPrdModel({ prdModel: 'vertex_ai/gemini-2.5-pro', geminiApiKey: 'g' }, {})).toThrow(/use gemini\/gemini-2\.5-pro/);
  });

  it('says --api-key is the Google key when the PRD model is not Gemini', () => {
    expect(() => checkPrdModel({ prdModel: 'openai/gpt-4.1', geminiApiKey: 'sk-x' }, { OPENAI_API_KEY: 'sk-x' }, 'sk-x')).toThrow(
      "--api-key is a Google key, and the PRD model openai/gpt-4.1 is OpenAI's: set OPENAI_API_KEY in the environment or .env instead",
    );
  });
});

describe("aider's aliases name the same models for the PRD", () => {
  it.each([
    ['flash', 'gemini', 'gemini-flash-latest'],
    ['gemini', 'gemini', 'gemini-3-pro-preview'],
    ['4o', 'openai', 'gpt-4o'],
    ['r1', 'deepseek', 'deepseek-reasoner'],
    ['quasar', 'openrouter', 'openrouter/quasar-alpha'],
  ])('%s → %s %s', (alias, provider, id) => {
    expect(routeModel(alias)).toMatchObject({ provider: { id: provider }, id });
  });
});
