import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import type { AgentOptions, TurnRecord } from '../../../src/agents/agent.js';
import { aiderBin, describeWithAider } from '../../support/aider.js';
import { makeTestAgent, screenText } from '../../support/agentFixture.js';
import { wholeFileEdit, type ChatScript } from '../../support/openaiServer.js';
import { waitFor } from '../../support/waitFor.js';

const makeAgent = (script: ChatScript, overrides: Partial<AgentOptions> = {}) => makeTestAgent(aiderBin(), script, overrides);

describeWithAider(`one agent: real aider in a pty`, () => {
  it('goes starting → working → succeeded, with aider’s screen in the headless terminal', async () => {
    const { agent, worktree } = await makeAgent([{ text: wholeFileEdit('a.py', 'A = 10\n', 'python') }]);
    const states: string[] = [];
    agent.on('state', (state) => states.push(state));
    const result = await agent.run();
    expect(result.state).toBe('succeeded');
    expect(states).toEqual(['starting', 'working', 'succeeded']);
    expect(result.usage.iterations).toBe(1);
    expect(fs.readFileSync(path.join(worktree, 'a.py'), 'utf8')).toBe('A = 10\n');
    expect(screenText(agent)).toMatch(/Applied edit to a\.py/);
    expect(screenText(agent)).toMatch(/Commit [0-9a-f]{7} feat: scripted change/);
  });

  it('ends aider when a reflection would go past --max-iterations', async () => {
    // An edit with a syntax error makes aider's linter ask the model to fix it: a second LLM call,
    // which never gets an answer here, so only the cap can end the process.
    const { agent, server } = await makeAgent([{ text: wholeFileEdit('a.py', 'A = (\n', 'python') }, { hang: true }], { maxIterations: 1 });
    const result = await agent.run();
    expect(result.state).toBe('failed');
    expect(result.reason).toMatch(/reached --max-iterations \(1\)/);
    expect(result.usage.iterations).toBe(1);
    // The cap acts when aider logs the reflection's start; its request may or may not have
    // left aider by then (a 250 ms poll), but no third call ever happens.
    expect(server.requests.filter((request) => request.kind === 'turn').length).toBeLessThanOrEqual(2);
  });

  it('stops a running agent whose model never answers, and can restart it', async () => {
    let hang = true;
    const { agent } = await makeAgent(() => (hang ? { hang: true } : { text: wholeFileEdit('a.py', 'A = 11\n', 'python') }));
    const running = agent.run();
    await waitFor(() => agent.state === 'working', 'aider to start its LLM call', 60_000, 50);
    await agent.stop();
    const result = await running;
    expect(result.state).toBe('stopped');
    expect(result.reason).toBe('stopped by the user');

    hang = false;
    agent.prepareRestart();
    expect(agent.state).toBe('queued');
    const again = await agent.run();
    expect(again.state).toBe('succeeded');
    expect(again.usage.iterations).toBe(1);
  });

  it('in focus mode, a line a person types reaches the model as a turn, and the agent goes on when they leave', async () => {
    // The task's reply waits until the person is in focus mode (entered while the agent works).
    let release = () => {};
    const focusEntered = new Promise<void>((resolve) => (release = resolve));
    const { agent, server, worktree } = await makeAgent(async (_request, index) => {
      if (index > 0) return { text: wholeFileEdit('a.py', 'A = 11\n', 'python') };
      await focusEntered;
      return { text: wholeFileEdit('a.py', 'A = 10\n', 'python') };
    });
    const turns: TurnRecord[] = [];
    agent.on('turn', (turn) => turns.push(turn));
    const running = agent.run();
    await waitFor(() => agent.state === 'working', 'the task’s LLM call to start', 180_000, 50);
    agent.setFocused(true);
    release();
    // The task's turn ends; with a person in focus mode the agent waits instead of finishing.
    await waitFor(() => agent.state === 'waiting' && turns.length === 1, 'the task turn to end with the agent waiting', 180_000, 50);
    agent.write('Now set A to 11.\r');
    await waitFor(() => turns.some((turn) => turn.kind === 'person'), 'the person’s turn to end', 180_000, 50);
    expect(agent.state).toBe('waiting');
    agent.setFocused(false);
    const result = await running;
    expect(result.state).toBe('succeeded');
    expect(result.usage.iterations).toBe(2);
    const requests = server.requests.filter((request) => request.kind === 'turn');
    expect(requests).toHaveLength(2);
    expect(requests[1]?.text).toContain('Now set A to 11.');
    expect(turns.map((turn) => [turn.kind, turn.iterations])).toEqual([
      ['task', 1],
      ['person', 1],
    ]);
    expect(fs.readFileSync(path.join(worktree, 'a.py'), 'utf8')).toBe('A = 11\n');
  }, 240_000);

  it('resizes the pty and the terminal together', async () => {
    const { agent } = await makeAgent([{ hang: true }]);
    const running = agent.run();
    await waitFor(() => agent.state === 'working', 'aider to start its LLM call', 60_000, 50);
    agent.resize(80, 20);
    expect([agent.terminal.cols, agent.terminal.rows]).toEqual([80, 20]);
    await agent.stop();
    await running;
  });

  it('stops a queued agent without starting aider', async () => {
    const { agent, server } = await makeAgent([{ text: 'nothing' }]);
    await agent.stop();
    expect(agent.state).toBe('stopped');
    expect(server.requests).toHaveLength(0);
  });
});
