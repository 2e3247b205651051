import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { PRD_SYSTEM_INSTRUCTION } from '../../src/llm/prompts.js';
import { aiderBin, describeWithAider } from '../support/aider.js';
import { startAnthropicServer, type MessagesReply, type RecordedMessagesRequest } from '../support/anthropicServer.js';
import { isolatedEnv, runCli } from '../support/cli.js';
import { makeTempDir, makeTempRepo } from '../support/gitRepo.js';
import { startOpenAiServer, wholeFileEdit, type ChatReply, type RecordedChatRequest } from '../support/openaiServer.js';

// Whole headless runs where one provider other than Google serves every model role: the PRD
// (streamed), the plan without --files (structured output) and the agents (the real aider).

const OPENAI_KEY = 'sk-test-openai-only-0123456789';
const ANTHROPIC_KEY = 'sk-ant-test-anthropic-0123456789';
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
const PLAN = {
  tasks: [
    { title: 'Greeting', description: 'Say hello in greet().', files: ['app/greet.py'] },
    { title: 'Calc docstring', description: 'Say hello in the docstring of add().', files: ['lib/calc.py'] },
  ],
};

/** Who asked: the PRD (its system prompt), the plan (structured output), else an agent's turn. */
const roleOf = (text: string, structured: boolean): 'prd' | 'plan' | 'agent' =>
  structured ? 'plan' : text.includes(PRD_SYSTEM_INSTRUCTION) ? 'prd' : 'agent';

/** An agent's reply: the new content of the file whose content is in its chat. */
const agentReply = (text: string): { text: string } => {
  const file = Object.keys(EDITS).find((name) => text.includes(`${name}\n\`\`\``));
  return file ? { text: wholeFileEdit(file, EDITS[file]!, 'python') } : { text: 'Nothing to change.' };
};

const setup = async () => {
  const repo = await makeTempRepo(FILES);
  const home = makeTempDir('ao-home-');
  onTestFinished(repo.cleanup);
  onTestFinished(home.cleanup);
  return { repo, home: home.dir };
};

/** One line on stderr, `error: ...`, and no stack trace. */
const expectUserError = (stderr: string, pattern: RegExp) => {
  const lines = stderr.trim().split('\n');
  expect(lines.at(-1)).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /);
};

const readSummary = (repoDir: string) => {
  const logDir = path.join(repoDir, '.aider_logs');
  const file = fs.readdirSync(logDir).find((name) => name.startsWith('summary_'));
  if (!file) throw new Error(`no summary in ${logDir}`);
  return JSON.parse(fs.readFileSync(path.join(logDir, file), 'utf8'));
};

/** Every file the run wrote (logs, summary, PRD, task files, aider's histories, the run history). */
const writtenFiles = (repoDir: string, home: string): string[] =>
  [path.join(repoDir, '.aider_logs'), path.join(repoDir, 'docs'), path.join(home, 'data', 'runs'), path.join(home, 'data', 'runs.db')]
    .flatMap((entry) =>
      fs.statSync(entry).isDirectory()
        ? fs.readdirSync(entry, { recursive: true, encoding: 'utf8' }).map((name) => path.join(entry, name))
        : [entry],
    )
    .filter((file) => fs.statSync(file).isFile());

/** Both agents succeeded, each committed its own file's edit on its branch; the PRD was saved. */
const expectTwoAgentsDone = async (repo: Awaited<ReturnType<typeof makeTempRepo>>) => {
  const summary = readSummary(repo.dir);
  expect(summary.status).toBe('succeeded');
  expect(summary.agents.map((agent: { files: string[] }) => agent.files)).toEqual([['app/greet.py'], ['lib/calc.py']]);
  for (const agent of summary.agents) {
    const file = agent.files[0] as string;
    expect(agent.status).toBe('succeeded');
    expect(agent.commits.map((commit: { message: string }) => commit.message)).toEqual(['feat: scripted change']);
    expect(await repo.git('show', `${agent.branch}:${file}`)).toBe(EDITS[file]!.trimEnd());
  }
  const prdFiles = fs.readdirSync(path.join(repo.dir, 'docs/prd'));
  expect(prdFiles).toHaveLength(1);
  expect(fs.readFileSync(path.join(repo.dir, 'docs/prd', prdFiles[0]!), 'utf8')).toContain('Every module says hello');
};

describeWithAider(`every model role on one provider, headless, with the real aider`, () => {
  const bin = aiderBin();

  it('OPENAI_API_KEY alone: the PRD, the plan (json_schema) and the agents all from OpenAI, no Google key asked for', async () => {
    const { repo, home } = await setup();
    let prdRequests = 0;
    const openai = await startOpenAiServer((request: RecordedChatRequest): ChatReply => {
      const role = roleOf(request.text, request.responseFormat !== undefined);
      // The first PRD request is rate-limited: the PRD is retried, not lost.
      if (role === 'prd') return prdRequests++ === 0 ? { error: 429, headers: { 'retry-after-ms': '50' } } : { text: PRD, chunks: 3 };
      return role === 'plan' ? { json: PLAN } : agentReply(request.text);
    });
    onTestFinished(() => openai.close());

    const result = await runCli(
      [
        '--headless',
        '--yes',
        '--change',
        'Make every module say hello',
        '--model',
        'openai/test-model',
        '--prd-model',
        'openai/test-model',
        '--max-agents',
        '2',
        '--aider-bin',
        bin,
      ],
      { cwd: repo.dir, env: isolatedEnv({ home }, { OPENAI_API_KEY: OPENAI_KEY, OPENAI_API_BASE: openai.url }) },
    );

    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain('writing the PRD with openai/test-model');
    expect(result.stderr).toMatch(/OpenAI: 429 rate limited; trying again in [\d.]+s \(attempt 2\)/);
    await expectTwoAgentsDone(repo);

    const byRole = (role: string) =>
      openai.requests.filter((request) => roleOf(request.text, request.responseFormat !== undefined) === role);
    expect(byRole('prd').map((request) => request.stream)).toEqual([true, true]);
    const [planRequest] = byRole('plan');
    expect(byRole('plan')).toHaveLength(1);
    expect(planRequest!.stream).toBe(false);
    expect(planRequest!.responseFormat).toMatchObject({ type: 'json_schema', json_schema: { name: 'plan' } });
    expect(planRequest!.text).toContain('Every module says hello');
    expect(byRole('agent').filter((request) => request.kind === 'turn').length).toBeGreaterThanOrEqual(2);
    expect(openai.requests.every((request) => request.authorization === `Bearer ${OPENAI_KEY}` && request.model === 'test-model')).toBe(
      true,
    );
    for (const file of writtenFiles(repo.dir, home)) expect(fs.readFileSync(file, 'latin1'), file).not.toContain(OPENAI_KEY);
  }, 240_000);

  it('ANTHROPIC_API_KEY alone: the PRD (SSE) and the plan (a forced tool) from the Messages API, the agents through litellm to the same server', async () => {
    const { repo, home } = await setup();
    const anthropic = await startAnthropicServer((request: RecordedMessagesRequest): MessagesReply => {
      const role = roleOf(request.text, request.structured !== undefined);
      if (role === 'prd') return { text: PRD, chunks: 3 };
      return role === 'plan' ? { json: PLAN } : agentReply(request.text);
    });
    onTestFinished(() => anthropic.close());

    const result = await runCli(
      [
        '--headless',
        '--yes',
        '--change',
        'Make every module say hello',
        '--model',
        'anthropic/test-model',
        '--prd-model',
        'anthropic/test-model',
        '--max-agents',
        '2',
        '--aider-bin',
        bin,
      ],
      { cwd: repo.dir, env: isolatedEnv({ home }, { ANTHROPIC_API_KEY: ANTHROPIC_KEY, ANTHROPIC_API_BASE: anthropic.url }) },
    );

    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain('writing the PRD with anthropic/test-model');
    await expectTwoAgentsDone(repo);

    const byRole = (role: string) =>
      anthropic.requests.filter((request) => roleOf(request.text, request.structured !== undefined) === role);
    expect(byRole('prd').map((request) => request.stream)).toEqual([true]);
    expect(byRole('plan').map((request) => [request.stream, request.structured])).toEqual([[false, { tool: 'json' }]]);
    const agentTurns = byRole('agent').filter((request) => request.kind === 'turn');
    expect(agentTurns.length).toBeGreaterThanOrEqual(2);
    expect(agentTurns.every((request) => request.stream)).toBe(true);
    expect(anthropic.requests.some((request) => request.kind === 'commit')).toBe(true);
    expect(anthropic.requests.every((request) => request.apiKey === ANTHROPIC_KEY && request.model === 'test-model')).toBe(true);
    for (const file of writtenFiles(repo.dir, home)) expect(fs.readFileSync(file, 'latin1'), file).not.toContain(ANTHROPIC_KEY);
  }, 240_000);

  it('a key the provider rejects: one line naming the variable, exit 2, no retry', async () => {
    const { repo, home } = await setup();
    const anthropic = await startAnthropicServer([{ error: 401, message: 'invalid x-api-key' }]);
    onTestFinished(() => anthropic.close());
    const result = await runCli(
      [
        '--headless',
        '--yes',
        '--change',
        'x',
        '--model',
        'anthropic/test-model',
        '--prd-model',
        'anthropic/test-model',
        '--aider-bin',
        bin,
      ],
      { cwd: repo.dir, env: isolatedEnv({ home }, { ANTHROPIC_API_KEY: ANTHROPIC_KEY, ANTHROPIC_API_BASE: anthropic.url }) },
    );
    expect(result.exitCode).toBe(2);
    expectUserError(result.stderr, /^error: Anthropic API key rejected \(401\): check ANTHROPIC_API_KEY$/);
    expect(anthropic.requests).toHaveLength(1);
  });
});

describe('the key check names the variable each role is missing', () => {
  const run = async (args: string[], env: NodeJS.ProcessEnv) => {
    const { repo, home } = await setup();
    return runCli(['--headless', '--yes', '--change', 'x', ...args], { cwd: repo.dir, env: isolatedEnv({ home }, env) });
  };

  it('an Anthropic PRD model with only an OpenAI key', async () => {
    const result = await run(['--model', 'gpt-4.1', '--prd-model', 'anthropic/claude-sonnet-4-5'], { OPENAI_API_KEY: 'sk-x' });
    expect(result.exitCode).toBe(2);
    expectUserError(
      result.stderr,
      /^error: the PRD model anthropic\/claude-sonnet-4-5 needs Anthropic's key: set ANTHROPIC_API_KEY in the environment or \.env, or choose another model with --prd-model$/,
    );
  });

  it('the agents’ model with only the PRD model’s key', async () => {
    const result = await run(['--model', 'sonnet', '--prd-model', 'openai/gpt-4.1'], { OPENAI_API_KEY: 'sk-x' });
    expect(result.exitCode).toBe(2);
    expectUserError(result.stderr, /^error: the agent model sonnet needs Anthropic's key: set ANTHROPIC_API_KEY .*--model$/);
  });

  it('a PRD model whose provider cannot be told, through the environment variable', async () => {
    const result = await run([], { OPENAI_API_KEY: 'sk-x', AIDER_ORCHESTRATOR_PRD_MODEL: 'llama3' });
    expect(result.exitCode).toBe(2);
    expectUserError(result.stderr, /^error: cannot tell which provider serves the PRD model llama3: write it as provider\/model/);
  });

  it('--gemini-model is the old spelling of --prd-model: both at once is a usage error', async () => {
    const result = await run(['--prd-model', 'openai/gpt-4.1', '--gemini-model', 'gemini-2.5-pro'], { OPENAI_API_KEY: 'sk-x' });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/option '--gemini-model <model>' cannot be used with option '--prd-model <model>'/);
  });
});
