import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect, it, onTestFinished } from 'vitest';
import { aiderBin, describeWithAider } from '../support/aider.js';
import { isolatedEnv, runCli, startCli } from '../support/cli.js';
import { startGeminiServer } from '../support/geminiServer.js';
import { makeTempDir, makeTempRepo } from '../support/gitRepo.js';
import { startOpenAiServer, wholeFileEdit, type RecordedChatRequest } from '../support/openaiServer.js';
import { waitForNoProcess, waitForProcess } from '../support/processes.js';

const GEMINI_KEY = 'AIzaSy-bounds-test-gemini-key-0123456789';
const OPENAI_KEY = 'sk-bounds-test-openai-key-0123456789';

/**
 * A command whose two processes (one in the background) never end by themselves and carry
 * `<marker>-42` in their command lines. The shell computes the 42: the CLI's own command line
 * (which holds the command text) never matches.
 */
const everlasting = (marker: string): string => {
  const node = JSON.stringify(process.execPath);
  return `${node} -e "setInterval(() => {}, 1000)" ${marker}-$((40 + 2))-background & ${node} -e "setInterval(() => {}, 1000)" ${marker}-$((40 + 2))-foreground`;
};

const inChat = (request: RecordedChatRequest, file: string): boolean => request.text.includes(`${file}\n\`\`\``);

const setup = async (script: (request: RecordedChatRequest) => { text: string } | { hang: true }) => {
  const repo = await makeTempRepo({ 'a.py': 'A = 1\n', 'b.py': 'B = 2\n' });
  const home = makeTempDir('ao-home-');
  const gemini = await startGeminiServer([{ text: '# PRD\n\nSet A to 10 and B to 20.\n' }]);
  const openai = await startOpenAiServer(script);
  onTestFinished(repo.cleanup);
  onTestFinished(home.cleanup);
  onTestFinished(() => gemini.close());
  onTestFinished(() => openai.close());
  const env = (extra: NodeJS.ProcessEnv = {}) =>
    isolatedEnv(
      { home: home.dir },
      { GOOGLE_GEMINI_BASE_URL: gemini.url, OPENAI_API_KEY: OPENAI_KEY, OPENAI_API_BASE: openai.url, ...extra },
    );
  return { repo, home: home.dir, openai, env };
};

const runArgs = (extra: string[]) => [
  '--headless',
  '--yes',
  '--change',
  'Set A and B',
  '--model',
  'openai/test-model',
  '--aider-bin',
  aiderBin(),
  ...extra,
];

/** Every file and folder under `dir`. */
const walk = (dir: string): string[] => fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((name) => path.join(dir, name));

describeWithAider(`a run bounded in time, with the real aider`, () => {
  it('leaves no process of a running check behind when the app is killed with SIGKILL', async () => {
    const marker = `ao-check-${randomUUID()}`;
    const { repo, home, env } = await setup(() => ({ text: wholeFileEdit('a.py', 'A = 10\n', 'python') }));
    const child = startCli(runArgs(['--files', 'a.py', '--check-cmd', everlasting(marker)]), {
      cwd: repo.dir,
      env: env({ GEMINI_API_KEY: GEMINI_KEY }),
    });
    await waitForProcess(`${marker}-42-foreground`, 'the check to start');
    await waitForProcess(`${marker}-42-background`, 'the check to start its background process');
    child.kill('SIGKILL');
    await child;
    // Nothing the app started outlives it: not the check, not what the check started, not aider.
    await waitForNoProcess(`${marker}-42`);
    await waitForNoProcess(path.join(home, 'data', 'runs'));
  }, 300_000);

  it('ends an agent whose model hangs (--idle-timeout) and one whose check hangs (--check-timeout), masking what they print', async () => {
    const secret = `tok-${randomUUID()}`;
    const marker = `ao-check-${randomUUID()}`;
    const { repo, home, openai, env } = await setup((request) =>
      inChat(request, 'a.py') ? { text: wholeFileEdit('a.py', 'A = 10\n', 'python') } : { hang: true },
    );
    // The first check prints the secret and fails; the second (after the follow-up turn) never ends.
    const ran = path.join(home, 'check-ran');
    const check = `if [ -e ${ran} ]; then ${everlasting(marker)}; fi; touch ${ran}; echo "token=$SERVICE_TOKEN"; exit 1`;
    const result = await runCli(
      runArgs([
        '--files',
        'a.py',
        'b.py',
        '--max-agents',
        '2',
        '--api-key',
        GEMINI_KEY,
        '--check-cmd',
        check,
        '--check-timeout',
        '5s',
        // Longer than aider's start-up silences on a loaded machine: only the hanging model may trip it.
        '--idle-timeout',
        '45s',
        '--',
        '--openai-api-key',
        OPENAI_KEY,
      ]),
      { cwd: repo.dir, env: env({ SERVICE_TOKEN: secret }), timeoutMs: 400_000 },
    );

    expect(result.exitCode, result.stderr).toBe(1);
    expect(result.stderr).toContain(
      'warning: --api-key is visible to other users of this machine (in `ps`) while the run lasts: set GEMINI_API_KEY in the environment or a .env file instead',
    );
    const logDir = path.join(repo.dir, '.aider_logs');
    const summary = JSON.parse(
      fs.readFileSync(path.join(logDir, fs.readdirSync(logDir).find((name) => name.startsWith('summary_'))!), 'utf8'),
    );
    const byFile = Object.fromEntries(summary.agents.map((agent: { files: string[] }) => [agent.files[0], agent]));
    expect(byFile['a.py'].status).toBe('failed');
    expect(byFile['a.py'].reason).toBe(`the check ran longer than 5s (--check-timeout) and was ended: ${check}`);
    expect(byFile['b.py'].status).toBe('failed');
    expect(byFile['b.py'].reason).toBe('no sign of life for 45s: no output and no aider event (--idle-timeout)');
    expect(result.stdout).toMatch(/^agent \d failed: no sign of life for 45s/m);
    expect(result.stdout).toMatch(/^agent \d failed: the check ran longer than 5s/m);
    await waitForNoProcess(`${marker}-42`);

    // The check's output reached the pane lines and the model masked, and never its secret.
    expect(result.stdout).toMatch(/^\[agent-\d\] \[check\] token=\*\*\*$/m);
    expect(openai.requests.some((request) => request.text.includes('token=***'))).toBe(true);
    for (const text of [result.stdout, result.stderr, ...openai.requests.map((request) => request.text)]) {
      expect(text).not.toContain(secret);
    }

    // No secret in any file the run wrote: logs, summary, run files, aider's histories, the run history.
    const data = path.join(home, 'data');
    const written = [...walk(logDir), ...walk(data).filter((file) => !file.startsWith(path.join(data, 'worktrees')))];
    expect(written).toContain(path.join(data, 'runs.db'));
    for (const file of written.filter((name) => fs.statSync(name).isFile())) {
      const text = fs.readFileSync(file, 'latin1');
      for (const value of [secret, GEMINI_KEY, OPENAI_KEY]) expect(text, file).not.toContain(value);
    }
    // And only its owner can read them.
    for (const file of [logDir, ...walk(logDir), path.join(home, 'data', 'runs'), ...walk(path.join(home, 'data', 'runs'))]) {
      const stat = fs.statSync(file);
      expect((stat.mode & 0o777).toString(8), file).toBe(stat.isDirectory() ? '700' : '600');
    }
  }, 420_000);
});
