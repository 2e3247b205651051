import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { aiderBin, itWithAider } from '../support/aider.js';
import { CLI_MAIN, expectUserError, isolatedEnv, runCli, TEST_KEYS, tempDir, tempRepo } from '../support/cli.js';
import { startGeminiServer } from '../support/geminiServer.js';

/** A Node older than the app supports (this machine's system Node is 20), if there is one. */
const oldNode = ((): { bin: string; version: string } | undefined => {
  for (const bin of ['/usr/bin/node', '/usr/local/bin/node']) {
    try {
      const version = execFileSync(bin, ['--version']).toString().trim();
      const [major = 0, minor = 0] = version.slice(1).split('.').map(Number);
      if (major < 22 || (major === 22 && minor < 13)) return { bin, version };
    } catch {
      // not there
    }
  }
  return undefined;
})();

describe('usage and configuration errors exit 2 with one clear line', () => {
  it.skipIf(!oldNode)(
    `says which Node it needs when started by an older one${oldNode ? '' : ' (skipped: no Node < 22.13 on this machine)'}`,
    async () => {
      const { bin, version } = oldNode!;
      let stderr = '';
      let status: number | null = 0;
      try {
        execFileSync(bin, [CLI_MAIN, '--help'], { stdio: 'pipe' });
      } catch (error) {
        ({ status } = error as { status: number | null });
        stderr = String((error as { stderr: Buffer }).stderr);
      }
      expect(status).toBe(2);
      expectUserError(
        stderr,
        new RegExp(`needs Node\\.js 22\\.13 or newer \\(this is ${version.replace(/\./g, '\\.')}\\): install a newer Node`),
      );
    },
  );

  it('refuses a folder that is not a git repository', async () => {
    const dir = tempDir();
    const result = await runCli(['--headless', '--yes', '--change', 'x'], { cwd: dir, env: isolatedEnv({ home: tempDir() }, TEST_KEYS) });
    expect(result.exitCode).toBe(2);
    expectUserError(result.stderr, /is not inside a git repository: run aider-orchestrator in one, or pass --repo/);
  });

  it('refuses an on/off variable that is neither', async () => {
    const result = await runCli(['--headless', '--yes', '--change', 'x'], {
      cwd: await tempRepo(),
      env: isolatedEnv({ home: tempDir() }, { ...TEST_KEYS, AIDER_ORCHESTRATOR_MOUSE: 'maybe' }),
    });
    expect(result.exitCode).toBe(2);
    expectUserError(result.stderr, /AIDER_ORCHESTRATOR_MOUSE=maybe is neither on nor off; fix it in the environment or \.env/);
  });

  it('requires --yes in headless mode', async () => {
    const result = await runCli(['--headless', '--change', 'x'], {
      cwd: await tempRepo(),
      env: isolatedEnv({ home: tempDir() }, TEST_KEYS),
    });
    expect(result.exitCode).toBe(2);
    expectUserError(result.stderr, /--yes is required with --headless/);
  });

  it('requires --change without a terminal', async () => {
    const result = await runCli(['--yes'], { cwd: await tempRepo(), env: isolatedEnv({ home: tempDir() }, TEST_KEYS) });
    expect(result.exitCode).toBe(2);
    expectUserError(result.stderr, /--change is required without a terminal/);
  });

  it('rejects a bad flag value', async () => {
    const result = await runCli(['--headless', '--yes', '--change', 'x', '--max-agents', '0'], {
      cwd: await tempRepo(),
      env: isolatedEnv({ home: tempDir() }, TEST_KEYS),
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/--max-agents must be a whole number from 1 to 64/);
  });

  it('refuses an aider argument that would end the interactive session, in one line', async () => {
    const result = await runCli(['--headless', '--yes', '--change', 'x', '--', '--message-file', 'task.md'], {
      cwd: await tempRepo(),
      env: isolatedEnv({ home: tempDir() }, TEST_KEYS),
    });
    expect(result.exitCode).toBe(2);
    expectUserError(
      result.stderr,
      /^error: aiderArgs must not contain --message-file \(each agent is an interactive aider session .*\): leave it out/,
    );
  });

  it('names the missing Google key', async () => {
    const result = await runCli(['--headless', '--yes', '--change', 'x'], {
      cwd: await tempRepo(),
      env: isolatedEnv({ home: tempDir() }, { OPENAI_API_KEY: 'sk-x' }),
    });
    expect(result.exitCode).toBe(2);
    expectUserError(result.stderr, /set GEMINI_API_KEY \(or GOOGLE_API_KEY\)/);
  });

  it('names the agent model key that is missing', async () => {
    const result = await runCli(['--headless', '--yes', '--change', 'x', '--claude'], {
      cwd: await tempRepo(),
      env: isolatedEnv({ home: tempDir() }, TEST_KEYS),
    });
    expect(result.exitCode).toBe(2);
    expectUserError(result.stderr, /sonnet needs Anthropic's key: set ANTHROPIC_API_KEY/);
  });

  it("names the supervisor model's missing key before the PRD model is called", async () => {
    const gemini = await startGeminiServer([{ text: '# PRD' }]);
    onTestFinished(() => gemini.close());
    const result = await runCli(['--headless', '--yes', '--change', 'x', '--supervisor-model', 'anthropic/claude-haiku-4-5'], {
      cwd: await tempRepo(),
      env: isolatedEnv({ home: tempDir() }, { ...TEST_KEYS, GOOGLE_GEMINI_BASE_URL: gemini.url, AIDER_ORCHESTRATOR_SUPERVISOR: 'on' }),
    });
    expect(result.exitCode).toBe(2);
    expectUserError(
      result.stderr,
      /the supervisor model anthropic\/claude-haiku-4-5 needs Anthropic's key: set ANTHROPIC_API_KEY .*--supervisor-model$/,
    );
    expect(gemini.requests).toHaveLength(0);
  });

  it('rejects --files outside the repository', async () => {
    const result = await runCli(['--headless', '--yes', '--change', 'x', '--files', '../x.py'], {
      cwd: await tempRepo(),
      env: isolatedEnv({ home: tempDir() }, TEST_KEYS),
    });
    expect(result.exitCode).toBe(2);
    expectUserError(result.stderr, /is outside the repository/);
  });

  it('says how to get aider when --aider-bin points nowhere', async () => {
    const result = await runCli(['--headless', '--yes', '--change', 'x', '--aider-bin', '/nonexistent/aider'], {
      cwd: await tempRepo(),
      env: isolatedEnv({ home: tempDir() }, TEST_KEYS),
    });
    expect(result.exitCode).toBe(2);
    expectUserError(result.stderr, /aider not found at \/nonexistent\/aider .*aider-orchestrator setup/);
  });

  it('says how to get aider when it is nowhere to be found', async () => {
    const env = isolatedEnv({ home: tempDir() }, { ...TEST_KEYS, PATH: `${process.execPath.replace(/\/node$/, '')}:/usr/bin:/bin` });
    const result = await runCli(['--headless', '--yes', '--change', 'x'], { cwd: await tempRepo(), env });
    expect(result.exitCode).toBe(2);
    expectUserError(result.stderr, /aider is not installed .*run `aider-orchestrator setup`/);
  });

  itWithAider(`refuses to start when the agents' model server is not running`, async () => {
    const gemini = await startGeminiServer([{ text: '# PRD\n' }]);
    onTestFinished(() => gemini.close());
    const env = isolatedEnv(
      { home: tempDir() },
      { ...TEST_KEYS, GOOGLE_GEMINI_BASE_URL: gemini.url, OPENAI_API_BASE: 'http://127.0.0.1:9/v1' },
    );
    const result = await runCli(['--headless', '--yes', '--change', 'x', '--model', 'openai/local', '--aider-bin', aiderBin()], {
      cwd: await tempRepo(),
      env,
    });
    expect(result.exitCode).toBe(2);
    expectUserError(
      result.stderr,
      /cannot reach the agents' model server http:\/\/127\.0\.0\.1:9\/v1 \(ECONNREFUSED\): start it, or fix OPENAI_API_BASE/,
    );
    // Caught before the PRD is paid for.
    expect(gemini.requests).toHaveLength(0);
  });

  itWithAider(`names an agent model aider does not know, before the PRD is paid for`, async () => {
    const gemini = await startGeminiServer([{ text: '# PRD\n' }]);
    onTestFinished(() => gemini.close());
    const env = isolatedEnv({ home: tempDir() }, { ...TEST_KEYS, GOOGLE_GEMINI_BASE_URL: gemini.url });
    const bin = aiderBin();
    const typo = await runCli(['--headless', '--yes', '--change', 'x', '--model', 'gpt-4oo', '--aider-bin', bin], {
      cwd: await tempRepo(),
      env,
    });
    expect(typo.exitCode).toBe(2);
    expectUserError(
      typo.stderr,
      /^error: aider does not know the agent model gpt-4oo \(not in its model list; close: gpt-4o.*\): see `aider --list-models gpt-4oo` for valid names and pass one with --model/,
    );
    const provider = await runCli(['--headless', '--yes', '--change', 'x', '--model', 'openia/gpt-4o', '--aider-bin', bin], {
      cwd: await tempRepo(),
      env,
    });
    expect(provider.exitCode).toBe(2);
    expectUserError(
      provider.stderr,
      /^error: the agent model openia\/gpt-4o names the provider "openia", which aider \(litellm\) does not know: see `aider --list-models gpt-4o`/,
    );
    expect(gemini.requests).toHaveLength(0);
  });

  itWithAider(`reports a rejected Google key without retrying`, async () => {
    const gemini = await startGeminiServer([{ error: 401, message: 'API key not valid. Please pass a valid API key.' }]);
    onTestFinished(() => gemini.close());
    const env = isolatedEnv({ home: tempDir() }, { ...TEST_KEYS, GOOGLE_GEMINI_BASE_URL: gemini.url });
    const result = await runCli(['--headless', '--yes', '--change', 'x', '--aider-bin', aiderBin()], {
      cwd: await tempRepo(),
      env,
    });
    expect(result.exitCode).toBe(2);
    expectUserError(result.stderr, /GEMINI_API_KEY|API key/);
    expect(gemini.requests).toHaveLength(1);
  });

  it('setup refuses a Python that does not exist, naming the fix', async () => {
    const result = await runCli(['setup', '--python', '/nonexistent/python3'], { cwd: tempDir(), env: isolatedEnv({ home: tempDir() }) });
    expect(result.exitCode).toBe(2);
    expectUserError(result.stderr, /\/nonexistent\/python3 not found: install Python 3.10, 3.11 or 3.12, or pass --python/);
  });

  it('the settings form needs a terminal', async () => {
    const result = await runCli(['config'], { cwd: tempDir(), env: isolatedEnv({ home: tempDir() }) });
    expect(result.exitCode).toBe(2);
    expectUserError(result.stderr, /the config form needs a terminal; edit .*config\.json by hand/);
  });

  it('rejects an unquoted change text', async () => {
    const result = await runCli(['--headless', '--yes', '--change', 'Add', 'dark', 'mode'], {
      cwd: await tempRepo(),
      env: isolatedEnv({ home: tempDir() }, TEST_KEYS),
    });
    expect(result.exitCode).toBe(2);
    expectUserError(result.stderr, /unexpected argument 'dark': quote the change text/);
  });

  it('names a corrupted stored configuration', async () => {
    const home = tempDir();
    fs.mkdirSync(path.join(home, 'config'));
    fs.writeFileSync(path.join(home, 'config', 'config.json'), '{"maxAgents": "lots"');
    const result = await runCli(['--headless', '--yes', '--change', 'x'], { cwd: await tempRepo(), env: isolatedEnv({ home }, TEST_KEYS) });
    expect(result.exitCode).toBe(2);
    expectUserError(result.stderr, /the stored configuration is invalid .*fix or delete the file/);
  });

  it('refuses an aider that is too old', async () => {
    const dir = tempDir();
    const old = path.join(dir, 'aider');
    fs.writeFileSync(old, '#!/bin/sh\necho "aider 0.50.1"\n', { mode: 0o755 });
    const result = await runCli(['--headless', '--yes', '--change', 'x', '--aider-bin', old], {
      cwd: await tempRepo(),
      env: isolatedEnv({ home: tempDir() }, TEST_KEYS),
    });
    expect(result.exitCode).toBe(2);
    expectUserError(result.stderr, /is aider 0\.50\.1, older than the 0\.86 this app needs/);
  });
});

describe('failures during a run: the run ends, reports and exits 1', () => {
  /** An executable that answers --version like aider 0.86.2 and crashes on anything else. */
  const crashingAider = () => {
    const file = path.join(tempDir(), 'aider');
    fs.writeFileSync(
      file,
      '#!/bin/sh\nif [ "$1" = "--version" ]; then echo "aider 0.86.2"; exit 0; fi\necho "Traceback: ImportError: boom" >&2\nexit 3\n',
      { mode: 0o755 },
    );
    return file;
  };

  it('an aider that crashes at start fails its agent with its exit code', async () => {
    const gemini = await startGeminiServer([{ text: '# PRD' }]);
    onTestFinished(() => gemini.close());
    const env = isolatedEnv({ home: tempDir() }, { ...TEST_KEYS, GOOGLE_GEMINI_BASE_URL: gemini.url });
    const result = await runCli(['--headless', '--yes', '--change', 'x', '--files', 'a.py', '--aider-bin', crashingAider()], {
      cwd: await tempRepo(),
      env,
    });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/agent 1 failed: aider exited with code 3/);
  });

  it('a log folder that cannot be written is reported, and the run still ends with its summary table', async () => {
    const gemini = await startGeminiServer([{ text: '# PRD' }]);
    onTestFinished(() => gemini.close());
    // A file where the log folder should be: every write under it fails, even as root.
    const env = isolatedEnv(
      { home: tempDir() },
      { ...TEST_KEYS, GOOGLE_GEMINI_BASE_URL: gemini.url, AIDER_ORCHESTRATOR_LOG_DIR: 'a.py/logs' },
    );
    const result = await runCli(['--headless', '--yes', '--change', 'x', '--files', 'a.py', '--aider-bin', crashingAider()], {
      cwd: await tempRepo(),
      env,
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/warning: cannot write the log of agent 1 \(.*\); the run goes on/);
    expect(result.stderr).toMatch(/warning: cannot write .*summary_.*\.json/);
    expect(result.stdout).toMatch(/total\s+0\/1 ok/);
  });
});
