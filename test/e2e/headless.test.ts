import fs from 'node:fs';
import path from 'node:path';
import { expect, it, onTestFinished } from 'vitest';
import { aiderBin, describeWithAider } from '../support/aider.js';
import { execa } from 'execa';
import { isolatedEnv, runCli, startCli } from '../support/cli.js';
import { startGeminiServer, type GeminiServer } from '../support/geminiServer.js';
import { makeTempDir, makeTempRepo, type TempRepo } from '../support/gitRepo.js';
import { startOpenAiServer, wholeFileEdit, type OpenAiServer } from '../support/openaiServer.js';
import { waitFor } from '../support/waitFor.js';

const GEMINI_KEY = 'AIzaSy-test-gemini-key-0123456789';
const OPENAI_KEY = 'sk-test-openai-key-0123456789';
const PRD = '# PRD: greetings\n\n## Goal\nEvery module says hello in its own words.\n';
const FILES = {
  'app/greet.py': 'def greet():\n    return "hi"\n',
  'lib/calc.py': 'def add(a, b):\n    return a + b\n',
  'README.md': '# Demo\n',
};
const EDITS: Record<string, string> = {
  'app/greet.py': 'def greet():\n    return "hello from agent"\n',
  'lib/calc.py': 'def add(a, b):\n    """Hello from agent."""\n    return a + b\n',
};

/** The owned file of the aider that sent a request: the one whose content is in the chat. */
const fileInChat = (messages: readonly { content?: unknown }[]): string | undefined => {
  const text = messages
    .map((message) => (typeof message.content === 'string' ? message.content : JSON.stringify(message.content)))
    .join('\n');
  return Object.keys(EDITS).find((file) => text.includes(`${file}\n\`\`\``));
};

const setup = async () => {
  const repo: TempRepo = await makeTempRepo(FILES);
  const home = makeTempDir('ao-home-');
  onTestFinished(repo.cleanup);
  onTestFinished(home.cleanup);
  return { repo, home: home.dir };
};

const servers = async (options: { gemini?: Parameters<typeof startGeminiServer>[0]; failFile?: string } = {}) => {
  const gemini: GeminiServer = await startGeminiServer(options.gemini ?? [{ text: PRD, chunks: 3 }]);
  const openai: OpenAiServer = await startOpenAiServer((request) => {
    const file = fileInChat(request.messages);
    if (file && file === options.failFile) return { error: 500, message: 'scripted outage' };
    return file ? { text: wholeFileEdit(file, EDITS[file]!, 'python') } : { text: 'Nothing to change.' };
  });
  onTestFinished(() => gemini.close());
  onTestFinished(() => openai.close());
  return { gemini, openai };
};

const cliEnv = (home: string, gemini: GeminiServer, openai: OpenAiServer) =>
  isolatedEnv(
    { home },
    {
      GEMINI_API_KEY: GEMINI_KEY,
      GOOGLE_GEMINI_BASE_URL: gemini.url,
      OPENAI_API_KEY: OPENAI_KEY,
      OPENAI_API_BASE: openai.url,
    },
  );

const runArgs = (bin: string, extra: string[] = []) => [
  '--headless',
  '--yes',
  '--change',
  'Make every module say hello',
  '--model',
  'openai/test-model',
  '--aider-bin',
  bin,
  ...extra,
];

const readSummary = (repoDir: string) => {
  const logDir = path.join(repoDir, '.aider_logs');
  const file = fs.readdirSync(logDir).find((name) => name.startsWith('summary_'));
  if (!file) throw new Error(`no summary in ${logDir}`);
  return JSON.parse(fs.readFileSync(path.join(logDir, file), 'utf8'));
};

describeWithAider(`headless run with the real aider`, () => {
  const bin = aiderBin();

  it('splits two files over two agents that each commit on their own branch, leaving the checkout alone', async () => {
    const { repo, home } = await setup();
    // Gemini is rate-limited twice before it answers: the PRD is retried, not lost.
    const { gemini, openai } = await servers({
      gemini: [
        { error: 429, retryDelay: '0.05s' },
        { error: 429, retryDelay: '0.05s' },
        { text: PRD, chunks: 3 },
      ],
    });
    const headBefore = await repo.git('rev-parse', 'HEAD');

    const result = await runCli(runArgs(bin, ['--files', 'app/greet.py', 'lib/calc.py', '--max-agents', '2']), {
      cwd: repo.dir,
      env: cliEnv(home, gemini, openai),
    });

    expect(result.stderr).toMatch(/Gemini: 429 rate limited; trying again in [\d.]+s \(attempt 2\)/);
    expect(result.stderr).toMatch(/\(attempt 3\)/);
    expect(gemini.requests).toHaveLength(3);
    expect(result.exitCode, result.stderr).toBe(0);

    // The user's checkout: same branch, same HEAD, tracked files untouched.
    expect(await repo.git('branch', '--show-current')).toBe('main');
    expect(await repo.git('rev-parse', 'HEAD')).toBe(headBefore);
    expect(await repo.git('status', '--porcelain', '--untracked-files=no')).toBe('');
    expect(fs.readFileSync(path.join(repo.dir, 'app/greet.py'), 'utf8')).toBe(FILES['app/greet.py']);

    const summary = readSummary(repo.dir);
    expect(summary.status).toBe('succeeded');
    expect(summary.agents).toHaveLength(2);
    for (const agent of summary.agents) {
      const [file] = agent.files as string[];
      expect(agent.status).toBe('succeeded');
      expect(agent.iterations).toBeGreaterThanOrEqual(1);
      expect(agent.tokens.total).toBeGreaterThan(0);
      expect(agent.commits.map((commit: { message: string }) => commit.message)).toEqual(['feat: scripted change']);
      expect(agent.filesChanged.map((change: { path: string }) => change.path)).toEqual([file]);
      // The branch holds the agent's edit.
      expect(await repo.git('show', `${agent.branch}:${file}`)).toBe(EDITS[file!]!.trimEnd());
      expect(await repo.git('log', '--format=%s', `${headBefore}..${agent.branch}`)).toBe('feat: scripted change');
    }
    expect(summary.agents.flatMap((agent: { files: string[] }) => agent.files).sort()).toEqual(['app/greet.py', 'lib/calc.py']);

    // The PRD, saved under docs/prd/ with the streamed text.
    const prdFiles = fs.readdirSync(path.join(repo.dir, 'docs/prd'));
    expect(prdFiles).toHaveLength(1);
    expect(prdFiles[0]).toMatch(/^\d{8}-\d{6}-make-every-module-say-hello\.md$/);
    expect(fs.readFileSync(path.join(repo.dir, 'docs/prd', prdFiles[0]!), 'utf8')).toContain('Every module says hello');

    // One JSONL log per agent, with state changes and the exit; no key anywhere.
    const logs = fs
      .readdirSync(path.join(repo.dir, '.aider_logs'))
      .filter((name) => name.endsWith('.jsonl'))
      .sort();
    expect(logs).toEqual([`agent1_${summary.runId}.jsonl`, `agent2_${summary.runId}.jsonl`]);
    for (const log of logs) {
      const entries = fs
        .readFileSync(path.join(repo.dir, '.aider_logs', log), 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      expect(entries.map((entry) => entry.type)).toEqual(expect.arrayContaining(['start', 'state', 'usage', 'exit', 'commit']));
    }
    // No key in any file the run wrote: logs, summary, PRD, task files, aider's histories, the run history.
    const written = [
      path.join(repo.dir, '.aider_logs'),
      path.join(repo.dir, 'docs'),
      path.join(home, 'data', 'runs'),
      path.join(home, 'data', 'runs.db'),
    ];
    const files = written.flatMap((entry) =>
      fs.statSync(entry).isDirectory()
        ? fs.readdirSync(entry, { recursive: true, encoding: 'utf8' }).map((name) => path.join(entry, name))
        : [entry],
    );
    expect(files.length).toBeGreaterThan(10);
    for (const file of files.filter((name) => fs.statSync(name).isFile())) {
      const text = fs.readFileSync(file, 'latin1');
      expect(text, file).not.toContain(GEMINI_KEY);
      expect(text, file).not.toContain(OPENAI_KEY);
    }

    // Headless output: agent-prefixed lines and the summary table.
    expect(result.stdout).toMatch(/^\[agent-1\] /m);
    expect(result.stdout).toMatch(/^\[agent-2\] /m);
    expect(result.stdout).toMatch(/total\s+2\/2 ok/);
    // `merge` puts both agents' work on one new branch; the user's branch stays.
    const merge = await runCli(['merge'], { cwd: repo.dir, env: cliEnv(home, gemini, openai) });
    expect(merge.exitCode, merge.stderr).toBe(0);
    expect(merge.stdout).toContain(`merged agents 1, 2 into aider-orchestrator/${summary.runId}/merged`);
    for (const file of Object.keys(EDITS)) {
      expect(await repo.git('show', `aider-orchestrator/${summary.runId}/merged:${file}`)).toBe(EDITS[file]!.trimEnd());
    }
    expect(await repo.git('branch', '--show-current')).toBe('main');

    // Aider got the key and the model through the environment, and asked for the commit message.
    expect(openai.requests.some((request) => request.kind === 'commit')).toBe(true);
    expect(openai.requests.every((request) => request.authorization === `Bearer ${OPENAI_KEY}`)).toBe(true);
  });

  it('stops an agent at --max-iterations when the check command keeps failing', async () => {
    const { repo, home } = await setup();
    const { gemini, openai } = await servers();
    const result = await runCli(
      runArgs(bin, ['--files', 'app/greet.py', '--max-iterations', '1', '--check-cmd', 'echo "test_greet FAILED"; exit 1']),
      { cwd: repo.dir, env: cliEnv(home, gemini, openai) },
    );
    expect(result.exitCode).toBe(1);
    const [agent] = readSummary(repo.dir).agents;
    expect(agent.status).toBe('failed');
    expect(agent.iterations).toBe(1);
    expect(agent.reason).toMatch(/check still fails after 1 iteration/);
    expect(result.stdout).toContain('test_greet FAILED');
    expect(openai.requests.filter((request) => request.kind === 'turn')).toHaveLength(1);
  });

  it('stops every agent on Ctrl-C, writes the summary and exits 130 without leaving aider running', async () => {
    const { repo, home } = await setup();
    const gemini = await startGeminiServer([{ text: PRD }]);
    const openai = await startOpenAiServer([{ hang: true }]);
    onTestFinished(() => gemini.close());
    onTestFinished(() => openai.close());
    const child = startCli(runArgs(bin, ['--files', 'app/greet.py', 'lib/calc.py', '--max-agents', '2']), {
      cwd: repo.dir,
      env: cliEnv(home, gemini, openai),
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await waitFor(
      () => (stderr.match(/state: working/g) ?? []).length >= 2,
      () => `agents to start working:\n${stderr}`,
      120_000,
      100,
    );
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode, stderr).toBe(130);
    expect(stderr).toMatch(/SIGINT: stopping agents and writing the summary/);
    const summary = readSummary(repo.dir);
    expect(summary.status).toBe('stopped');
    expect(summary.agents.map((agent: { status: string }) => agent.status)).toEqual(['stopped', 'stopped']);
    const processes = String((await execa('ps', ['-eo', 'args'])).stdout);
    expect(processes).not.toContain(path.join(home, 'data', 'runs'));

    // `clean` asks first; without a terminal it needs --yes; then worktrees and branches go.
    const refused = await runCli(['clean', '--branches'], { cwd: repo.dir, env: cliEnv(home, gemini, openai) });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/needs a confirmation, and there is no terminal to ask: pass --yes/);
    const cleaned = await runCli(['clean', '--branches', '--yes'], { cwd: repo.dir, env: cliEnv(home, gemini, openai) });
    expect(cleaned.exitCode, cleaned.stderr).toBe(0);
    expect(summary.agents.every((agent: { worktree: string }) => !fs.existsSync(agent.worktree))).toBe(true);
    expect(await repo.git('branch', '--list', 'aider-orchestrator/*')).toBe('');
  });

  it('treats SIGHUP (terminal closed) like Ctrl-C: agents stopped, summary written, exit 130', async () => {
    const { repo, home } = await setup();
    const gemini = await startGeminiServer([{ text: PRD }]);
    const openai = await startOpenAiServer([{ hang: true }]);
    onTestFinished(() => gemini.close());
    onTestFinished(() => openai.close());
    const child = startCli(runArgs(bin, ['--files', 'app/greet.py']), { cwd: repo.dir, env: cliEnv(home, gemini, openai) });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await waitFor(
      () => stderr.includes('state: working'),
      () => `the agent to start working:\n${stderr}`,
      120_000,
      100,
    );
    child.kill('SIGHUP');
    const result = await child;
    expect(result.exitCode, stderr).toBe(130);
    expect(stderr).toMatch(/SIGHUP: stopping agents and writing the summary/);
    const summary = readSummary(repo.dir);
    expect(summary.status).toBe('stopped');
    expect(summary.agents.map((agent: { status: string }) => agent.status)).toEqual(['stopped']);
    expect(result.stdout).toMatch(/total\s+0\/1 ok/);
  });

  it('runs two orchestrations at once in the same repository without collisions', async () => {
    const { repo, home } = await setup();
    const { gemini, openai } = await servers();
    const env = cliEnv(home, gemini, openai);
    const [first, second] = await Promise.all([
      runCli(runArgs(bin, ['--files', 'app/greet.py']), { cwd: repo.dir, env }),
      runCli(runArgs(bin, ['--files', 'lib/calc.py']), { cwd: repo.dir, env }),
    ]);
    expect(first.exitCode, first.stderr).toBe(0);
    expect(second.exitCode, second.stderr).toBe(0);
    const summaries = fs.readdirSync(path.join(repo.dir, '.aider_logs')).filter((name) => name.startsWith('summary_'));
    expect(summaries).toHaveLength(2);
    expect((await repo.git('branch', '--list', 'aider-orchestrator/*')).trim().split('\n')).toHaveLength(2);
  });
});
