import { describe, expect, it } from 'vitest';
import { checkAgentModelKey, checkGeminiKey, detectProvider } from '../../../src/config/providers.js';

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

  it('asks for a Google key for the PRD', () => {
    expect(() => checkGeminiKey({ geminiApiKey: undefined })).toThrow(/set GEMINI_API_KEY \(or GOOGLE_API_KEY\).*or pass --api-key/);
    expect(() => checkGeminiKey({ geminiApiKey: 'k' })).not.toThrow();
  });
});
