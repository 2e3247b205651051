import fs from 'node:fs';
import path from 'node:path';
import { expect, it, onTestFinished } from 'vitest';
import { aiderBin, describeWithAider } from '../support/aider.js';
import { isolatedEnv, runCli } from '../support/cli.js';
import { startGeminiServer } from '../support/geminiServer.js';
import { makeTempDir, makeTempRepo } from '../support/gitRepo.js';
import { startOpenAiServer, wholeFileEdit, type ChatReply, type RecordedChatRequest } from '../support/openaiServer.js';

// The supervisor in the live loop: the real aider talks to a scripted OpenAI-compatible server,
// and the supervisor (--supervisor-model openai/test-supervisor) to the same server, told apart by
// the model name of each request.

const PRD = '# PRD: greetings\n\n## Goal\nThe greeting is friendly and loud.\n';
const FILES = { 'app/greet.py': 'def greet():\n    return "hi"\n' };
const FIRST = 'def greet():\n    return "hello"\n';
const SECOND = 'def greet():\n    return "HELLO"\n';
const INSTRUCTION = 'Make greet() return its greeting in capitals.';

const decision = (action: string, progress: string, message = '') => ({
  progress,
  thought: `thinking about ${action}`,
  action,
  message,
  future: 'the agent goes on',
});

const lastUserText = (request: RecordedChatRequest): string => {
  const last = request.messages.filter((message) => message.role === 'user').at(-1);
  return typeof last?.content === 'string' ? last.content : JSON.stringify(last?.content ?? '');
};

/** A run of one agent on app/greet.py whose supervisor answers `decisions` in order. */
const runWithSupervisor = async (decisions: ChatReply[]) => {
  const repo = await makeTempRepo(FILES);
  const home = makeTempDir('ao-home-');
  const gemini = await startGeminiServer([{ text: PRD }]);
  const supervisorRequests: RecordedChatRequest[] = [];
  const aiderTurns: RecordedChatRequest[] = [];
  const openai = await startOpenAiServer((request) => {
    if (request.model === 'test-supervisor') {
      supervisorRequests.push(request);
      return decisions[Math.min(supervisorRequests.length - 1, decisions.length - 1)]!;
    }
    aiderTurns.push(request);
    return { text: wholeFileEdit('app/greet.py', lastUserText(request).includes(INSTRUCTION) ? SECOND : FIRST, 'python') };
  });
  onTestFinished(repo.cleanup);
  onTestFinished(home.cleanup);
  onTestFinished(() => gemini.close());
  onTestFinished(() => openai.close());
  const result = await runCli(
    [
      '--headless',
      '--yes',
      '--change',
      'Make the greeting loud',
      '--files',
      'app/greet.py',
      '--model',
      'openai/test-model',
      '--supervisor-model',
      'openai/test-supervisor',
      '--aider-bin',
      aiderBin(),
    ],
    {
      cwd: repo.dir,
      env: isolatedEnv(
        { home: home.dir },
        {
          AIDER_ORCHESTRATOR_SUPERVISOR: 'on',
          GEMINI_API_KEY: 'AIzaSy-test-gemini-key-0123456789',
          GOOGLE_GEMINI_BASE_URL: gemini.url,
          OPENAI_API_KEY: 'sk-test-openai-key-0123456789',
          OPENAI_API_BASE: openai.url,
        },
      ),
    },
  );
  const logDir = path.join(repo.dir, '.aider_logs');
  const summaryFile = fs.readdirSync(logDir).find((name) => name.startsWith('summary_'));
  if (!summaryFile) throw new Error(`no summary in ${logDir}\n${result.stderr}`);
  const summary = JSON.parse(fs.readFileSync(path.join(logDir, summaryFile), 'utf8'));
  const agent = summary.agents[0];
  const logEvents = fs
    .readFileSync(agent.log, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { type: string; data: Record<string, unknown> });
  return { repo, result, summary, agent, logEvents, supervisorRequests, aiderTurns };
};

describeWithAider(`the supervisor drives the real aider`, () => {
  it('instructs a second turn, then finishes: two turns, two commits, every decision kept', async () => {
    const { repo, result, summary, agent, logEvents, supervisorRequests, aiderTurns } = await runWithSupervisor([
      { json: decision('instruct', 'greeting changed, not yet loud', INSTRUCTION) },
      { json: decision('finish', 'greeting is loud: done') },
    ]);
    expect(result.exitCode, result.stderr).toBe(0);

    // The task reached aider first, then the supervisor's one-line instruction, typed as it is.
    expect(aiderTurns).toHaveLength(2);
    expect(lastUserText(aiderTurns[0]!)).toContain('task.md');
    expect(lastUserText(aiderTurns[1]!)).toContain(INSTRUCTION);
    // The supervisor was asked after each turn, with the structured-output schema, and saw the work.
    expect(supervisorRequests).toHaveLength(2);
    expect(JSON.stringify(supervisorRequests[0]!.responseFormat)).toContain('"decision"');
    expect(supervisorRequests[0]!.text).toContain('return "hello"');
    expect(supervisorRequests[1]!.text).toContain('return "HELLO"');
    expect(supervisorRequests[1]!.text).toContain('greeting changed, not yet loud');

    expect(summary.status).toBe('succeeded');
    expect(agent.status).toBe('succeeded');
    expect(agent.iterations).toBe(2);
    expect(agent.commits).toHaveLength(2);
    expect(await repo.git('show', `${agent.branch}:app/greet.py`)).toBe(SECOND.trimEnd());
    expect(agent.decisions.map((d: { action: string }) => d.action)).toEqual(['instruct', 'finish']);
    expect(agent.decisions[0].message).toBe(INSTRUCTION);
    expect(agent.decisions[1].progress).toBe('greeting is loud: done');
    expect(agent.supervisor.calls).toBe(2);
    expect(agent.supervisor.tokens.total).toBeGreaterThan(0);
    // The agent's totals include the supervisor's tokens.
    expect(agent.tokens.total).toBeGreaterThan(agent.supervisor.tokens.total);

    const logged = logEvents.filter((event) => event.type === 'supervisor').map((event) => event.data);
    expect(logged.map((d) => d.action)).toEqual(['instruct', 'finish']);
    expect(logged[0]!.progress).toBe('greeting changed, not yet loud');

    expect(result.stdout).toContain('[agent-1] supervisor: instruct — greeting changed, not yet loud');
    expect(result.stdout).toContain('[agent-1] supervisor: finish — greeting is loud: done');
  });

  it('fails the agent with the reason when the supervisor answers junk, and the run ends with exit 1', async () => {
    const { result, summary, agent, logEvents, supervisorRequests, aiderTurns } = await runWithSupervisor([
      { json: { progress: 'working', thought: '', action: 'run_tests', message: '', future: '' } },
    ]);
    expect(result.exitCode, result.stderr).toBe(1);
    // Junk is asked again once, then the agent fails; aider is not sent another turn.
    expect(supervisorRequests).toHaveLength(2);
    expect(aiderTurns).toHaveLength(1);
    const reason =
      'the supervisor model openai/test-supervisor gave an unusable decision twice (action "run_tests" is not instruct, check or finish)';
    expect(summary.status).toBe('failed');
    expect(agent.status).toBe('failed');
    expect(agent.reason).toBe(reason);
    expect(agent.decisions).toHaveLength(1);
    expect(agent.decisions[0]).toMatchObject({ action: 'failed', message: reason });
    expect(logEvents.some((event) => event.type === 'supervisor' && event.data.action === 'failed')).toBe(true);
    expect(result.stdout).toContain(`[agent-1] supervisor: failed — ${reason}`);
  });
});
