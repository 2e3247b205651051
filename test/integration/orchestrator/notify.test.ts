import fs from 'node:fs';
import path from 'node:path';
import xterm from '@xterm/headless';
import { describe, expect, it } from 'vitest';
import { WAITING_FOR_PERSON } from '../../../src/agents/types.js';
import type { RunSummary } from '../../../src/logs/types.js';
import { commandNotifier, desktopNotifier, terminalNotifier, watchRun } from '../../../src/orchestrator/notify.js';
import { TestAgent, TestRun } from '../../support/fakeRun.js';
import { makeTempDir } from '../../support/gitRepo.js';
import { processesWith } from '../../support/processes.js';
import { cleanUp } from '../../support/cleanUp.js';

const tempDir = () => {
  const dir = makeTempDir('ao-notify-');
  cleanUp(dir.cleanup);
  return dir.dir;
};

/** A run with two agents, driven through a finish, a person's turn, a failure and the end. */
const playRun = (run: TestRun) => {
  const [one, two] = run.agents as [TestAgent, TestAgent];
  const state = (agent: TestAgent, next: TestAgent['state'], reason?: string) => {
    agent.state = next;
    agent.reason = reason;
    run.emit('agent:state', agent.id, next, reason);
  };
  run.emit('run:phase', 'agents');
  state(one, 'working');
  state(two, 'working');
  state(two, 'waiting', 'the supervisor reads the turn');
  // Stepping into an agent between turns (focus mode) is not news; aider coming back after the person's turn is.
  state(two, 'waiting', WAITING_FOR_PERSON);
  state(two, 'working');
  state(two, 'waiting', WAITING_FOR_PERSON);
  state(one, 'succeeded');
  state(two, 'failed', 'no changes: aider made no commit');
  run.emit('run:summary', {
    runId: run.runId,
    agents: [{ status: 'succeeded' }, { status: 'failed' }],
  } as unknown as RunSummary);
};

const twoAgentRun = () => {
  const run = new TestRun();
  run.agents = [new TestAgent(1, ['a.py'], 'Greet'), new TestAgent(2, ['b.py'], 'Count')];
  return run;
};

describe('notifications', () => {
  it('runs --notify-cmd for each event, in order, with the event, run, agent and branch in its environment', async () => {
    const dir = tempDir();
    const record = path.join(dir, 'events.txt');
    const run = twoAgentRun();
    const warnings: string[] = [];
    const watch = watchRun(run, [
      commandNotifier(
        `printf '%s|%s|%s|%s\\n' "$AIDER_ORCHESTRATOR_EVENT" "$AIDER_ORCHESTRATOR_RUN" "$AIDER_ORCHESTRATOR_AGENT" "$AIDER_ORCHESTRATOR_BRANCH" >> '${record}'`,
        {
          env: { PATH: process.env.PATH, SHELL: '/bin/sh' },
          warn: (message) => warnings.push(message),
        },
      ),
    ]);
    playRun(run);
    await watch.close();
    expect(fs.readFileSync(record, 'utf8').trim().split('\n')).toEqual([
      `agent-waiting|${run.runId}|2|aider-orchestrator/test/agent-2`,
      `agent-succeeded|${run.runId}|1|aider-orchestrator/test/agent-1`,
      `agent-failed|${run.runId}|2|aider-orchestrator/test/agent-2`,
      `run-finished|${run.runId}||`,
    ]);
    expect(warnings).toEqual([]);
  });

  it('ends a hook that runs too long, with what it started, and says so once; a failing hook is one warning line', async () => {
    const dir = tempDir();
    const marker = `ao-notify-sleeper-${process.pid}`;
    const run = twoAgentRun();
    const warnings: string[] = [];
    const slow = commandNotifier(`sh -c 'sleep 300; echo ${marker}' & sleep 300`, {
      env: { PATH: process.env.PATH },
      warn: (message) => warnings.push(message),
      timeoutMs: 500,
    });
    const watch = watchRun(run, [slow]);
    playRun(run);
    await watch.close();
    expect(warnings).toEqual([
      `the notify command (sh -c 'sleep 300; echo ${marker}' & sleep 300) ran longer than 0.5s and was ended; the run goes on (later failures are not reported)`,
    ]);
    expect(await processesWith(marker)).toEqual([]);

    const failing: string[] = [];
    const broken = commandNotifier(`echo "cannot reach the chat server" >&2; exit 7`, {
      env: { PATH: process.env.PATH },
      warn: (message) => failing.push(message),
    });
    const second = watchRun(twoAgentRun(), [broken]);
    broken.notify({ event: 'run-finished', runId: 'r', agent: undefined, branch: undefined, message: 'done' });
    broken.notify({ event: 'run-finished', runId: 'r', agent: undefined, branch: undefined, message: 'done' });
    await second.close();
    expect(failing).toEqual([
      'the notify command (echo "cannot reach the chat server" >&2; exit 7) failed (exit 7: cannot reach the chat server); the run goes on (later failures are not reported)',
    ]);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('asks notify-send for an OS notification, the message as an argument; none where the command does not exist', async () => {
    const dir = tempDir();
    const record = path.join(dir, 'argv.txt');
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    // A notify-send of our own on PATH: the desktop's notification daemon is not part of a test machine.
    fs.writeFileSync(path.join(bin, 'notify-send'), `#!/bin/sh\nfor arg in "$@"; do printf '%s\\n' "$arg" >> '${record}'; done\n`, {
      mode: 0o755,
    });
    expect(desktopNotifier({ env: { PATH: path.join(dir, 'nowhere') }, platform: 'linux', warn: () => undefined })).toBeUndefined();
    const desktop = desktopNotifier({ env: { PATH: `${bin}:${process.env.PATH}` }, platform: 'linux', warn: () => undefined });
    expect(desktop).toBeDefined();
    const run = twoAgentRun();
    const watch = watchRun(run, [desktop!]);
    playRun(run);
    await watch.close();
    const lines = fs.readFileSync(record, 'utf8').trim().split('\n');
    expect(lines.filter((line) => line.startsWith('agent ') || line.startsWith('run '))).toEqual([
      'agent 2 waits for you: Count',
      'agent 1 succeeded: Greet',
      'agent 2 failed: no changes: aider made no commit',
      `run ${run.runId} finished: 1 of 2 agents succeeded`,
    ]);
  });

  it('rings the terminal bell and keeps the window title at done/total, giving the old title back at the end', async () => {
    // A terminal with xterm's title stack (22/23 t), as xterm, VTE, kitty and others have.
    const terminal = new xterm.Terminal({ cols: 80, rows: 10, allowProposedApi: true, windowOptions: { pushTitle: true, popTitle: true } });
    const titles: string[] = [];
    let bells = 0;
    terminal.onTitleChange((title) => titles.push(title));
    terminal.onBell(() => {
      bells += 1;
    });
    const written: string[] = [];
    const run = twoAgentRun();
    const watch = watchRun(run, [terminalNotifier({ write: (text: string) => written.push(text) })]);
    playRun(run);
    await watch.close();
    await new Promise<void>((resolve) => terminal.write('\x1b]0;my shell\x07', resolve));
    await new Promise<void>((resolve) => terminal.write(written.join(''), resolve));
    expect(bells).toBe(4);
    expect(titles).toEqual([
      'my shell',
      'aider-orchestrator: 0/2 done',
      'aider-orchestrator: 1/2 done',
      'aider-orchestrator: 2/2 done',
      'my shell',
    ]);
    // Nothing that draws or moves the cursor: Ink's frames stay where they are.
    expect(terminal.buffer.active.cursorX).toBe(0);
    expect(terminal.buffer.active.getLine(0)?.translateToString(true)).toBe('');
    terminal.dispose();
  });
});
