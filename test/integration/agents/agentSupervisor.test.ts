import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import type { SupervisorCall } from '../../../src/agents/agent.js';
import type { SupervisorDecision, SupervisorOutcome } from '../../../src/llm/supervisor.js';
import type { SupervisorInput } from '../../../src/llm/supervisorContext.js';
import { aiderBin, describeWithAider } from '../../support/aider.js';
import { makeTestAgent } from '../../support/agentFixture.js';
import { wholeFileEdit, type RecordedChatRequest } from '../../support/openaiServer.js';

// One Agent on the real aider with a supervisor callback (the run binds it to the supervisor
// model; here it answers from a script): what it is given, and how its answers are carried out.

const USAGE = { prompt: 100, completion: 20, total: 120 };
const decided = (decision: Partial<SupervisorDecision> & Pick<SupervisorDecision, 'action'>): SupervisorOutcome => ({
  ok: true,
  decision: { progress: `progress of ${decision.action}`, thought: 'a thought', message: '', future: '', ...decision },
  usage: USAGE,
});

/** A supervisor that answers `outcomes` in order and records what it was given. */
const scripted = (outcomes: SupervisorOutcome[]) => {
  const inputs: SupervisorInput[] = [];
  const call: SupervisorCall = async (input) => {
    inputs.push(input);
    return outcomes[Math.min(inputs.length - 1, outcomes.length - 1)]!;
  };
  return { call, inputs };
};

const lastUser = (request: RecordedChatRequest): string => {
  const last = request.messages.filter((message) => message.role === 'user').at(-1);
  return typeof last?.content === 'string' ? last.content : JSON.stringify(last?.content ?? '');
};

describeWithAider(`an agent with a supervisor`, () => {
  const bin = aiderBin();

  it('gives a multi-line instruction through a read-only message file, and the check gates the finish', async () => {
    const instruction = 'Set A to 12 instead.\nKeep the rest of a.py as it is.';
    const supervisor = scripted([decided({ action: 'instruct', message: instruction }), decided({ action: 'finish' })]);
    const { agent, server, worktree } = await makeTestAgent(
      bin,
      (request) => ({ text: wholeFileEdit('a.py', request.text.includes('Set A to 12 instead.') ? 'A = 12\n' : 'A = 10\n', 'python') }),
      { supervisor: supervisor.call, checkCommand: 'grep -q "A = 12" a.py' },
    );
    const decisions: SupervisorOutcome[] = [];
    agent.on('decision', (outcome) => decisions.push(outcome));
    const lines: string[] = [];
    agent.on('line', (line) => lines.push(line));

    const result = await agent.run();
    expect(result.state, result.reason).toBe('succeeded');
    expect(result.usage.iterations).toBe(2);
    expect(fs.readFileSync(path.join(worktree, 'a.py'), 'utf8')).toBe('A = 12\n');

    // The first call saw the turn: its output, its commit and its diff; the second, its own decision.
    expect(supervisor.inputs).toHaveLength(2);
    const [first, second] = supervisor.inputs;
    expect(first!.turnOutput).toMatch(/Applied edit to a\.py/);
    expect(first!.commits).toHaveLength(1);
    expect(first!.diff).toContain('+A = 10');
    expect(first!.iterations).toBe(1);
    expect(first!.earlierDecisions).toEqual([]);
    expect(second!.diff).toContain('+A = 12');
    // The supervisor reads what the turn asked for, not the line that pointed aider to its file.
    expect(second!.instruction).toBe('Set A to 12 instead.\nKeep the rest of a.py as it is.');
    expect(second!.earlierDecisions?.map((d) => d.action)).toEqual(['instruct']);

    // Two lines cannot be typed at aider's prompt: they reached the model through the message file.
    const turns = server.requests.filter((request) => request.kind === 'turn');
    expect(turns).toHaveLength(2);
    expect(lastUser(turns[1]!)).toMatch(/Your next instruction is in the read-only file message-2\.md/);
    expect(turns[1]!.text).toContain(instruction);
    expect(fs.readFileSync(path.join(agent.runDir, 'run-1', 'message-2.md'), 'utf8')).toBe(instruction);

    expect(decisions.map((d) => d.ok && d.decision.action)).toEqual(['instruct', 'finish']);
    expect(agent.supervision).toEqual({ progress: 'progress of finish', thought: 'a thought', action: 'finish' });
    // The check ran after the finish decision, before the agent succeeded.
    expect(lines.indexOf('[orchestrator] check passed')).toBeGreaterThan(lines.indexOf('[orchestrator] $ grep -q "A = 12" a.py'));
    expect(lines).toContain('[orchestrator] $ grep -q "A = 12" a.py');
  });

  it('fails with the supervisor’s reason when it has no answer', async () => {
    const reason = 'the supervisor model openai/x failed: OpenAI API key rejected (401): check OPENAI_API_KEY';
    const supervisor = scripted([{ ok: false, reason, usage: USAGE, cancelled: false }]);
    const { agent, server } = await makeTestAgent(bin, [{ text: wholeFileEdit('a.py', 'A = 10\n', 'python') }], {
      supervisor: supervisor.call,
    });
    const result = await agent.run();
    expect(result.state).toBe('failed');
    expect(result.reason).toBe(reason);
    expect(supervisor.inputs).toHaveLength(1);
    expect(server.requests.filter((request) => request.kind === 'turn')).toHaveLength(1);
  });
});
