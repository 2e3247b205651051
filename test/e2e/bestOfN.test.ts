import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AgentSummary, RunSummary } from '../../src/logs/types.js';
import { findTestAider } from '../support/aider.js';
import { runCli } from '../support/cli.js';
import { type ChatReply, wholeFileEdit } from '../support/openaiServer.js';
import { scriptedModels } from '../support/scriptedModels.js';

// Best of 2 with --first-wins and the real aider: two attempts at one task start together; the
// scripted model answers the first turn it is asked at once and never answers the other, so one
// attempt passes the check while the other is still waiting, and is stopped.

const aider = findTestAider();
const PRD = '# PRD: greetings\n\n## Goal\nThe greeting says hello.\n';
const FILES = { 'app/greet.py': 'def greet():\n    return "hi"\n' };

/**
 * The repository, the PRD stand-in and a model whose n-th aider turn (0-based) gets `reply(n)`;
 * other model names (the supervisor and judge) get `other(prompt)`.
 */
const setup = (reply: (turn: number) => ChatReply, other: (text: string) => string = () => 'OK') => {
  let turns = 0;
  return scriptedModels({
    files: FILES,
    prd: PRD,
    script: (request) => (request.model === 'test-model' ? reply(turns++) : { text: other(request.text) }),
    env: { GEMINI_API_KEY: 'AIzaSy-test-gemini-key-0123456789', OPENAI_API_KEY: 'sk-test-openai-key-0123456789' },
  });
};

/** A whole-file edit making greet() return `word`. */
const greeting = (word: string): ChatReply => ({ text: wholeFileEdit('app/greet.py', `def greet():\n    return "${word}"\n`, 'python') });

const readSummary = (repoDir: string): RunSummary => {
  const logDir = path.join(repoDir, '.aider_logs');
  const file = fs.readdirSync(logDir).find((name) => name.startsWith('summary_'));
  return JSON.parse(fs.readFileSync(path.join(logDir, file!), 'utf8')) as RunSummary;
};

const RUN_ARGS = ['--headless', '--yes', '--change', 'Say hello', '--files', 'app/greet.py', '--model', 'openai/test-model'];

describe('--first-wins needs several attempts per task', () => {
  it('is a one-line usage error with one attempt per task', async () => {
    const { repo, env } = await setup(() => greeting('hello'));
    const result = await runCli([...RUN_ARGS, '--first-wins'], { cwd: repo.dir, env });
    expect(result.exitCode, result.stderr).toBe(2);
    expect(result.stderr.trim()).toBe(
      'error: --first-wins needs several attempts per task (--agents-per-task is 1): add --agents-per-task 2 or more, or leave --first-wins out',
    );
  });
});

describe.skipIf('skip' in aider)(`best of 2 with the real aider${'skip' in aider ? ` (skipped: ${aider.skip})` : ''}`, () => {
  it('--first-wins: the first attempt to pass the check wins, the other is stopped, and merge takes the winner', async () => {
    const { repo, env, openai } = await setup((turn) => (turn === 0 ? greeting('hello') : { hang: true }));
    const args = [...RUN_ARGS, '--agents-per-task', '2', '--max-agents', '2', '--first-wins', '--check-cmd', 'grep -q hello app/greet.py'];
    const result = await runCli([...args, '--aider-bin', 'bin' in aider ? aider.bin : ''], { cwd: repo.dir, env });
    expect(result.exitCode, result.stderr).toBe(0);
    // One attempt got its answer; the other (waiting for its answer, or its aider still starting
    // on a loaded machine) never got one.
    expect(openai.requests.filter((request) => request.kind === 'turn').length).toBeGreaterThanOrEqual(1);

    const summary = readSummary(repo.dir);
    expect(summary.status).toBe('succeeded');
    const winner = summary.agents.find((agent) => agent.winner) as AgentSummary;
    const loser = summary.agents.find((agent) => !agent.winner) as AgentSummary;
    expect(winner).toMatchObject({
      status: 'succeeded',
      attempt: { task: 1, of: 2 },
      judgement: { by: 'first-wins', reason: 'the first attempt to pass the check (--first-wins)' },
      firstWins: { stopped: [loser.id] },
    });
    expect(winner.firstWins!.estimatedCostAvoided).toBeGreaterThanOrEqual(0);
    expect(loser).toMatchObject({ status: 'stopped', reason: 'another attempt won (--first-wins)', winner: false, attempt: { task: 1 } });
    expect(loser.judgement).toBeUndefined();
    expect(await repo.git('show', `${winner.branch}:app/greet.py`)).toContain('hello');

    expect(result.stderr).toContain(`[agent-${loser.id}] state: stopped (another attempt won (--first-wins))`);
    expect(result.stderr).toContain(`task 1: agent ${winner.id} wins (first-wins): the first attempt to pass the check (--first-wins)`);
    expect(result.stdout).toMatch(new RegExp(`\\n${winner.id}\\s+1/${winner.attempt!.attempt} win\\s+succeeded`));
    expect(result.stdout).toContain(`--first-wins stopped agent ${loser.id} after $`);

    const merged = await runCli(['merge', summary.runId], { cwd: repo.dir, env });
    expect(merged.exitCode, merged.stderr).toBe(0);
    expect(merged.stdout).toContain(`merged agent ${winner.id} into aider-orchestrator/${summary.runId}/merged`);
  });

  it('best of 2: an attempt that fails the check loses, the other wins and is what merge takes', async () => {
    const { repo, env } = await setup((turn) => greeting(turn === 0 ? 'hello' : 'bye'));
    const args = [
      ...RUN_ARGS,
      '--agents-per-task',
      '2',
      '--max-agents',
      '2',
      '--max-iterations',
      '2',
      '--check-cmd',
      'grep -q hello app/greet.py',
    ];
    const result = await runCli([...args, '--aider-bin', 'bin' in aider ? aider.bin : ''], { cwd: repo.dir, env });
    expect(result.exitCode, result.stderr).toBe(0);
    const summary = readSummary(repo.dir);
    const winner = summary.agents.find((agent) => agent.winner) as AgentSummary;
    const loser = summary.agents.find((agent) => !agent.winner) as AgentSummary;
    // The loser's check failed: the check decides (passed beats failed).
    expect(winner).toMatchObject({ status: 'succeeded', judgement: { by: 'check' } });
    expect(loser.status).toBe('failed');
    expect(await repo.git('show', `${winner.branch}:app/greet.py`)).toContain('hello');
    const merged = await runCli(['merge', summary.runId], { cwd: repo.dir, env });
    expect(merged.exitCode, merged.stderr).toBe(0);
    expect(merged.stdout).toContain(`merged agent ${winner.id} into aider-orchestrator/${summary.runId}/merged`);
    expect(await repo.git('show', `aider-orchestrator/${summary.runId}/merged:app/greet.py`)).toContain('hello');
  });

  it('best of 2: both pass the check, the judge model picks one with its reason, and merge takes it', async () => {
    const judged: string[] = [];
    const { repo, env } = await setup(
      () => greeting('hello'),
      (text) => {
        if (!text.includes('# Attempt')) {
          return JSON.stringify({ progress: 'done', thought: 'the greeting says hello', action: 'finish', message: '', future: '' });
        }
        judged.push(text);
        return JSON.stringify({ attempt: '2', reason: 'agent 2 keeps the change smallest' });
      },
    );
    const args = [...RUN_ARGS, '--agents-per-task', '2', '--max-agents', '2', '--check-cmd', 'grep -q hello app/greet.py'];
    const result = await runCli([...args, '--supervisor-model', 'openai/test-judge', '--aider-bin', 'bin' in aider ? aider.bin : ''], {
      cwd: repo.dir,
      env: { ...env, AIDER_ORCHESTRATOR_SUPERVISOR: 'on' },
    });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(judged).toHaveLength(1);
    expect(judged[0]).toContain('# Attempt 1');
    expect(judged[0]).toContain('# Attempt 2');
    const summary = readSummary(repo.dir);
    expect(summary.agents.find((agent) => agent.id === 2)).toMatchObject({
      winner: true,
      judgement: { by: 'model', reason: 'agent 2 keeps the change smallest' },
    });
    expect(summary.agents.find((agent) => agent.id === 1)).toMatchObject({ status: 'succeeded', winner: false });
    expect(result.stderr).toContain('task 1: agent 2 wins (model): agent 2 keeps the change smallest');
    const merged = await runCli(['merge', summary.runId], { cwd: repo.dir, env });
    expect(merged.exitCode, merged.stderr).toBe(0);
    expect(merged.stdout).toContain(`merged agent 2 into aider-orchestrator/${summary.runId}/merged`);
    expect(merged.stdout).toContain('agent 1: not the winner of task 1 (agent 2 is); left out');
  });
});
