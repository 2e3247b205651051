import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { aiderPython, modelProblem, type ModelFacts } from '../../../src/agents/aiderModels.js';
import { makeTempDir } from '../../support/gitRepo.js';

const facts = (overrides: Partial<ModelFacts>): ModelFacts => ({
  resolved: 'x',
  known: false,
  provider: null,
  providerKnown: true,
  suggestions: [],
  ...overrides,
});

describe('which agent models are refused before the PRD', () => {
  it('refuses a provider litellm cannot route, naming how to list valid names', () => {
    const problem = modelProblem('foo/gpt-4o', facts({ resolved: 'foo/gpt-4o', provider: 'foo', providerKnown: false }), {});
    expect(problem?.message).toBe(
      'the agent model foo/gpt-4o names the provider "foo", which aider (litellm) does not know: see `aider --list-models gpt-4o` for valid names, and pass one with --model',
    );
    expect(problem?.exitCode).toBe(2);
  });

  it('refuses a name aider does not know, with the close names it does', () => {
    const problem = modelProblem('gpt-4oo', facts({ resolved: 'gpt-4oo', suggestions: ['gpt-4o', 'gpt-4'] }), {});
    expect(problem?.message).toBe(
      'aider does not know the agent model gpt-4oo (not in its model list; close: gpt-4o, gpt-4): see `aider --list-models gpt-4oo` for valid names and pass one with --model, or register a newer model in ~/.aider.model.metadata.json',
    );
    expect(
      modelProblem('anthropic/claude-sonet-4', facts({ resolved: 'anthropic/claude-sonet-4', provider: 'anthropic' }), {})?.message,
    ).toMatch(
      /^aider does not know the agent model anthropic\/claude-sonet-4 \(not in its model list\): see `aider --list-models anthropic\/`/,
    );
  });

  it('names what an alias stands for', () => {
    expect(modelProblem('myalias', facts({ resolved: 'gpt-9' }), {})?.message).toMatch(
      /^aider does not know the agent model myalias \(gpt-9\) /,
    );
  });

  it('lets through a known model, any name on a self-hosted OpenAI-compatible server, and providers whose names are the user’s own', () => {
    expect(modelProblem('gpt-4o', facts({ resolved: 'gpt-4o', known: true }), {})).toBeUndefined();
    expect(
      modelProblem('openai/my-local', facts({ resolved: 'openai/my-local', provider: 'openai' }), {
        OPENAI_API_BASE: 'http://127.0.0.1:8000/v1',
      }),
    ).toBeUndefined();
    expect(modelProblem('ollama/qwen3:8b', facts({ resolved: 'ollama/qwen3:8b', provider: 'ollama' }), {})).toBeUndefined();
    expect(modelProblem('azure/my-deployment', facts({ resolved: 'azure/my-deployment', provider: 'azure' }), {})).toBeUndefined();
  });

  it('refuses openai/<name> aider does not know when no OPENAI_API_BASE says it is self-hosted', () => {
    expect(modelProblem('openai/my-local', facts({ resolved: 'openai/my-local', provider: 'openai' }), {})?.message).toMatch(
      /^aider does not know the agent model openai\/my-local/,
    );
  });

  it('does not refuse a provider when litellm’s provider list could not be read', () => {
    expect(
      modelProblem('newcloud/model', facts({ resolved: 'newcloud/model', provider: 'newcloud', providerKnown: null }), {})?.message,
    ).toMatch(/^aider does not know/);
    expect(
      modelProblem('newcloud/model', facts({ resolved: 'newcloud/model', provider: 'newcloud', providerKnown: null, known: true }), {}),
    ).toBeUndefined();
  });
});

describe("finding aider's Python from its script", () => {
  const script = (text: string) => {
    const dir = makeTempDir();
    onTestFinished(dir.cleanup);
    const file = path.join(dir.dir, 'aider');
    fs.writeFileSync(file, text, { mode: 0o755 });
    return file;
  };

  it('reads a venv shebang, an env shebang and pip’s long-path form', () => {
    expect(aiderPython(script('#!/home/me/.venv/bin/python3.12\nimport sys\n'))).toBe('/home/me/.venv/bin/python3.12');
    expect(aiderPython(script('#!/usr/bin/env python3\nimport sys\n'))).toBe('python3');
    expect(aiderPython(script(`#!/bin/sh\n'''exec' "/very long/path/bin/python" "$0" "$@"\n' '''\nimport sys\n`))).toBe(
      '/very long/path/bin/python',
    );
  });

  it('gives up on anything that is not a Python script', () => {
    expect(aiderPython(script('#!/bin/sh\necho "aider 0.86.2"\n'))).toBeUndefined();
    expect(aiderPython('/nonexistent/aider')).toBeUndefined();
  });
});
