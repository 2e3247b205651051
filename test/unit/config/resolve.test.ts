import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readEnvironment, settingsFromEnv } from '../../../src/config/env.js';
import { resolveSettings } from '../../../src/config/resolve.js';
import { defaultSettings } from '../../../src/config/settings.js';
import { openConfigStore } from '../../../src/config/store.js';
import { UserError } from '../../../src/errors.js';

const temps: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ao-config-'));
  temps.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of temps.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('settings precedence: defaults < stored < environment < flags', () => {
  it('takes each value from the highest layer that sets it', () => {
    const settings = resolveSettings({
      stored: { agentModel: 'stored-model', maxIterations: 3, prdModel: 'stored-prd' },
      env: { agentModel: 'env-model', maxIterations: 5 },
      flags: { agentModel: 'flag-model' },
    });
    expect(settings.agentModel).toBe('flag-model');
    expect(settings.maxIterations).toBe(5);
    expect(settings.prdModel).toBe('stored-prd');
    expect(settings.logDir).toBe(defaultSettings().logDir);
  });

  it('never lets an unset value hide a lower layer', () => {
    const settings = resolveSettings({
      stored: { agentModel: 'stored' },
      env: { agentModel: undefined },
      flags: { agentModel: undefined },
    });
    expect(settings.agentModel).toBe('stored');
  });

  it('defaults to gpt-4o, 10 iterations and one agent per task', () => {
    const settings = resolveSettings({});
    expect([settings.agentModel, settings.maxIterations, settings.agentsPerTask]).toEqual(['gpt-4o', 10, 1]);
    expect(settings.maxAgents).toBe(os.availableParallelism());
  });

  it('rejects an invalid stored value, naming where it came from', () => {
    expect(() => resolveSettings({ stored: { maxAgents: 0 } })).toThrow(
      /maxAgents must be a whole number from 1 to 64 \(from the stored configuration\)/,
    );
  });

  it('refuses aider arguments that would end an interactive session, naming the argument', () => {
    for (const arg of ['--message-file=task.md', '--exit', '--no-fancy-input', '-m']) {
      expect(() => resolveSettings({ flags: { aiderArgs: ['--edit-format', 'diff', arg] } })).toThrow(
        new RegExp(`^aiderArgs must not contain ${arg} \\(each agent is an interactive aider session .*\\(from the command line\\)$`),
      );
    }
    expect(resolveSettings({ flags: { aiderArgs: ['--edit-format', 'diff'] } }).aiderArgs).toEqual(['--edit-format', 'diff']);
  });
});

describe('environment', () => {
  it('reads .env files, later folders winning, the real environment winning over all', async () => {
    const repo = tempDir();
    const cwd = tempDir();
    fs.writeFileSync(path.join(repo, '.env'), 'GEMINI_API_KEY=from-repo\nOPENAI_API_KEY=repo-openai\nA=1\n');
    fs.writeFileSync(path.join(cwd, '.env'), 'OPENAI_API_KEY=cwd-openai\nA=2\n');
    const env = await readEnvironment({ dirs: [repo, cwd], env: { A: 'real' }, isRepoData: async () => false });
    expect(env.GEMINI_API_KEY).toBe('from-repo');
    expect(env.OPENAI_API_KEY).toBe('cwd-openai');
    expect(env.A).toBe('real');
  });

  it("skips a .env that belongs to a repository: it is data, not the user's configuration", async () => {
    const repo = tempDir();
    const cwd = tempDir();
    fs.writeFileSync(path.join(repo, '.env'), 'AIDER_ORCHESTRATOR_CHECK_CMD=from-repo\n');
    fs.writeFileSync(path.join(cwd, '.env'), 'A=mine\n');
    const asked: string[] = [];
    const env = await readEnvironment({
      dirs: [repo, cwd],
      env: {},
      isRepoData: async (file) => {
        asked.push(file);
        return file === path.join(repo, '.env');
      },
    });
    expect(env).toEqual({ A: 'mine' });
    expect(asked).toEqual([path.join(repo, '.env'), path.join(cwd, '.env')]);
  });

  it('maps AIDER_ORCHESTRATOR_* variables and the Gemini key', () => {
    const settings = settingsFromEnv({
      AIDER_ORCHESTRATOR_MODEL: 'sonnet',
      AIDER_ORCHESTRATOR_MAX_AGENTS: '3',
      AIDER_ORCHESTRATOR_AIDER_ARGS: '--edit-format diff',
      GOOGLE_API_KEY: 'g-key',
      GOOGLE_GEMINI_BASE_URL: 'http://127.0.0.1:9/',
    });
    expect(settings).toMatchObject({
      agentModel: 'sonnet',
      maxAgents: 3,
      aiderArgs: ['--edit-format', 'diff'],
      geminiApiKey: 'g-key',
      geminiBaseUrl: 'http://127.0.0.1:9/',
    });
  });

  it('prefers GEMINI_API_KEY over GOOGLE_API_KEY', () => {
    expect(settingsFromEnv({ GEMINI_API_KEY: 'a', GOOGLE_API_KEY: 'b' }).geminiApiKey).toBe('a');
  });

  it('names the variable when a number is wrong', () => {
    expect(() => settingsFromEnv({ AIDER_ORCHESTRATOR_MAX_ITERATIONS: 'ten' })).toThrow(
      /AIDER_ORCHESTRATOR_MAX_ITERATIONS=ten is not a whole number from 1 to 1000/,
    );
  });
});

describe('stored configuration', () => {
  it('round-trips values in a 0600 file', () => {
    const dir = tempDir();
    const store = openConfigStore({ AIDER_ORCHESTRATOR_CONFIG_DIR: dir });
    store.write({ agentModel: 'openai/local', maxIterations: 4, aiderArgs: ['--no-auto-lint'] });
    const again = openConfigStore({ AIDER_ORCHESTRATOR_CONFIG_DIR: dir });
    expect(again.read()).toEqual({ agentModel: 'openai/local', maxIterations: 4, aiderArgs: ['--no-auto-lint'] });
    expect(fs.statSync(store.path).mode & 0o777).toBe(0o600);
  });

  it('refuses invalid values with a message per field', () => {
    const store = openConfigStore({ AIDER_ORCHESTRATOR_CONFIG_DIR: tempDir() });
    expect(store.validate({ maxAgents: 100, geminiBaseUrl: 'ftp://x' })).toEqual({
      maxAgents: 'must be a whole number from 1 to 64',
      geminiBaseUrl: 'must start with http:// or https://',
    });
    expect(() => store.write({ maxIterations: 0 })).toThrow(UserError);
    expect(store.read()).toEqual({});
  });

  it('reports a hand-broken file as a user error', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'config.json'), '{"maxAgents": "many"}');
    expect(() => openConfigStore({ AIDER_ORCHESTRATOR_CONFIG_DIR: dir })).toThrow(/stored configuration is invalid/);
  });
});
