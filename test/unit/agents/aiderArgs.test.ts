import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildAiderArgs, buildAiderEnv } from '../../../src/agents/aiderArgs.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
const pinFile = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ao-pins-'));
  dirs.push(dir);
  return path.join(dir, 'run', 'aider.env');
};

describe("aider's files on the command line", () => {
  it('are given as --file=<path>, so a file named like a flag stays a file and no list option turns into one', () => {
    const args = buildAiderArgs({
      model: 'gpt-4o',
      analyticsLog: 'a.jsonl',
      chatHistoryFile: 'c.md',
      inputHistoryFile: 'i',
      messageFile: 'm.md',
      restoreChatHistory: false,
      files: ['src/app.py', '--weird.py'],
      modelMetadataFile: undefined,
      extraArgs: ['--edit-format', 'diff'],
    });
    expect(args).not.toContain('--');
    expect(args.slice(-4)).toEqual(['--edit-format', 'diff', '--file=src/app.py', '--file=--weird.py']);
  });
});

describe("the agents' environment", () => {
  const user = {
    PATH: '/usr/bin',
    OPENAI_API_KEY: 'sk-user-0123456789',
    OPENAI_API_BASE: 'http://user.example/v1',
    AIDER_MODEL: 'x',
    OPENAI_BASE_URL: 'http://stray',
  };

  it("drops the user's AIDER_* variables and OPENAI_BASE_URL, and pins nothing unless asked", () => {
    const env = buildAiderEnv(user);
    expect(env.AIDER_MODEL).toBeUndefined();
    expect(env.OPENAI_BASE_URL).toBeUndefined();
    expect(env.AIDER_ENV_FILE).toBeUndefined();
    expect(env.OPENAI_API_KEY).toBe(user.OPENAI_API_KEY);
  });

  it("pins the user's endpoints and keys in aider's last env file by reference, never by value", () => {
    const file = pinFile();
    const env = buildAiderEnv(user, { file });
    expect(env.AIDER_ENV_FILE).toBe(file);
    const pins = fs.readFileSync(file, 'utf8');
    const key = /^OPENAI_API_KEY="\$\{(AIDER_ORCHESTRATOR_PIN_[0-9a-f]{16}_OPENAI_API_KEY)\}"$/m.exec(pins);
    const base = /^OPENAI_API_BASE="\$\{(AIDER_ORCHESTRATOR_PIN_[0-9a-f]{16}_OPENAI_API_BASE)\}"$/m.exec(pins);
    expect(env[key![1]!]).toBe(user.OPENAI_API_KEY);
    expect(env[base![1]!]).toBe(user.OPENAI_API_BASE);
    // litellm prefers OPENAI_BASE_URL: a worktree's .env may not set it.
    expect(pins).toMatch(/^OPENAI_BASE_URL=$/m);
    expect(pins).not.toContain(user.OPENAI_API_KEY);
    expect(pins).not.toContain(user.OPENAI_API_BASE);
    expect(pins).not.toMatch(/^PATH=/m);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    // A new run, a new name: no file can know it in advance.
    const again = fs.readFileSync(buildAiderEnv(user, { file: pinFile() }).AIDER_ENV_FILE!, 'utf8');
    expect(again).not.toBe(pins);
  });

  it("empties what a trusted repo's .env sets and the user does not, and makes its endpoint options inert", () => {
    const file = pinFile();
    buildAiderEnv(user, {
      file,
      repo: { envNames: ['ANTHROPIC_API_KEY', 'PORT', 'AIDER_LINT_CMD'], aiderOptions: ['openai-api-base', 'set-env', 'lint-cmd'] },
    });
    const pins = fs.readFileSync(file, 'utf8');
    expect(pins).toMatch(/^ANTHROPIC_API_KEY=$/m);
    expect(pins).not.toMatch(/^PORT=/m);
    expect(pins).toMatch(/^AIDER_OPENAI_API_BASE=''$/m);
    expect(pins).toMatch(/^AIDER_SET_ENV='\["AIDER_ORCHESTRATOR_PINNED=1"\]'$/m);
    // Commands stay the trusted repo's.
    expect(pins).not.toMatch(/LINT/);
  });
});
