import fs from 'node:fs';
import { render } from 'ink-testing-library';
import { describe, expect, it, onTestFinished } from 'vitest';
import { editInEditor } from '../../src/cli/editor.js';
import { openConfigStore } from '../../src/config/store.js';
import { UserError } from '../../src/errors.js';
import { KeyRouter } from '../../src/ui/keys/KeyRouter.js';
import { ConfigScreen } from '../../src/ui/screens/ConfigScreen.js';
import { KEYS, TestAgent, TestRun } from '../support/fakeRun.js';
import { waitFor } from '../support/waitFor.js';
import { makeTempDir } from '../support/gitRepo.js';
import { plan, renderApp, summaryOf, withFrame } from './renderApp.js';

describe('change screen', () => {
  it('asks for the change when --change was not given, then writes the PRD', async () => {
    const run = new TestRun();
    run.change = '';
    const app = renderApp(run);
    await app.shows('What should the agents change?');
    expect(app.frame()).toContain('warning: 2 uncommitted changes');
    app.stdin.write('Add dark mode');
    await app.shows('Add dark mode');
    app.stdin.write(KEYS.enter);
    await waitFor(() => run.calls.includes('generatePrd'), 'the PRD to start');
    expect(run.calls[0]).toBe('setChange Add dark mode');
  });
});

describe('PRD review', () => {
  it('streams the PRD in, then approves with a', async () => {
    const run = new TestRun();
    const app = renderApp(run);
    await app.shows('Writing the PRD with gemini-2.5-flash');
    run.prd = '# PRD\n\n## Goal\nGreet users by name.';
    run.emit('prd:chunk', run.prd);
    await app.shows('Greet users by name.');
    app.stdin.write('a'); // ignored while streaming
    run.setPhase('review');
    await app.shows('PRD ready');
    app.stdin.write('a');
    await waitFor(() => run.calls.includes('approvePrd'), 'approvePrd');
    expect(run.calls.filter((call) => call === 'approvePrd')).toHaveLength(1);
  });

  it('regenerates with the feedback typed in the app', async () => {
    const run = new TestRun();
    run.phase = 'review';
    run.prd = '# PRD';
    const app = renderApp(run);
    await app.shows('PRD ready');
    app.stdin.write('r');
    await app.shows('What should change in the PRD?');
    app.stdin.write('mention rate limits');
    await app.shows('mention rate limits');
    app.stdin.write(KEYS.enter);
    await waitFor(() => run.calls.includes('generatePrd mention rate limits'), 'regeneration with feedback');
  });

  it('replaces the PRD with what the editor saved', async () => {
    const run = new TestRun();
    run.phase = 'review';
    run.prd = '# PRD v1';
    const app = renderApp(run, { edit: async (text) => `${text}\nEdited by hand.` });
    await app.shows('PRD ready');
    app.stdin.write('e');
    await waitFor(() => run.prd.endsWith('Edited by hand.'), 'the edited PRD');
    expect(run.calls).toContain('setPrd');
  });

  it('cancels with q without starting anything', async () => {
    const run = new TestRun();
    run.phase = 'review';
    const app = renderApp(run);
    await app.shows('PRD ready');
    app.stdin.write('q');
    await waitFor(() => run.calls.includes('cancel'), 'cancel');
    expect(run.calls).not.toContain('startAgents');
  });
});

describe('file assignment', () => {
  it('moves a file to another agent with its number, and starts with Enter', async () => {
    const run = new TestRun();
    run.phase = 'assignment';
    run.plan = plan();
    const app = renderApp(run);
    await app.shows('File assignment · 2 agents');
    app.stdin.write(KEYS.down); // src/api.ts
    app.stdin.write('2');
    await app.shows('Agent 1 Part 1 of 2: api (1 file)');
    app.stdin.write(KEYS.enter);
    await waitFor(() => run.calls.includes('startAgents'), 'startAgents');
    expect(run.plan!.tasks.map((task) => task.files)).toEqual([['src/client.ts'], ['src/api.ts', 'src/ui.tsx']]);
  });

  it('picks up a file with Space and drops it on another agent; adds and removes agents', async () => {
    const run = new TestRun();
    run.phase = 'assignment';
    run.plan = plan();
    const app = renderApp(run);
    await app.shows('File assignment · 2 agents');
    app.stdin.write(KEYS.down);
    app.stdin.write(' ');
    await app.shows('moving src/api.ts');
    app.stdin.write(KEYS.down);
    app.stdin.write(KEYS.down); // Agent 2's header
    app.stdin.write(' ');
    await app.shows('Agent 2 Part 2 of 2: ui (2 files)');
    app.stdin.write('+');
    await app.shows('File assignment · 3 agents');
    app.stdin.write('-');
    await app.shows('File assignment · 2 agents');
  });
});

describe('agents dashboard', () => {
  const dashboard = async (count: number) => {
    const run = new TestRun();
    run.phase = 'agents';
    run.agents = Array.from({ length: count }, (_, i) => new TestAgent(i + 1));
    for (const agent of run.agents) await agent.print(`output of agent ${agent.id}\r\n\x1b[32mgreen line\x1b[0m`);
    const app = renderApp(run);
    await app.shows('output of agent 1');
    return { run, app };
  };

  it('shows every agent’s live screen with its state, iterations and status bar', async () => {
    const { run, app } = await dashboard(2);
    expect(app.frame()).toContain('output of agent 2');
    expect(app.frame()).toMatch(/#1 ● working 0\/10/);
    expect(app.frame()).toMatch(/2 working · 0 queued · 0 done · 0 failed/);
    await run.agents[0]!.print('\r\nnew text after start');
    run.emit('agent:output', 1);
    await app.shows('new text after start');
    // Each pane's terminal was resized to the pane's inner size.
    expect(run.agents[0]!.sizes.length).toBeGreaterThan(0);
  });

  it('selects with Tab, zooms with z, stops with s and restarts a finished agent with R', async () => {
    const { run, app } = await dashboard(3);
    app.stdin.write(KEYS.tab);
    app.stdin.write('z');
    await waitFor(() => !app.frame().includes('output of agent 1'), 'the zoomed pane alone');
    expect(app.frame()).toContain('output of agent 2');
    app.stdin.write('s');
    await waitFor(() => run.calls.includes('stopAgent 2'), 'stopAgent 2');
    app.stdin.write('3');
    app.stdin.write('R');
    await app.shows('agent 3 is working: s stops it, then R restarts it');
    expect(run.calls).not.toContain('restartAgent 3');
    run.agents[2]!.state = 'failed';
    run.emit('agent:state', 3, 'failed', 'x');
    await app.shows('#3 ✖ failed');
    app.stdin.write('R');
    await waitFor(() => run.calls.includes('restartAgent 3'), 'restartAgent 3');
  });

  it('shows the supervisor’s latest progress and thought under the pane title', async () => {
    const { run, app } = await dashboard(1);
    expect(app.frame()).not.toContain('tests pass');
    run.agents[0]!.supervision = { progress: 'parser done, tests pass', thought: 'the diff covers the task', action: 'finish' };
    run.emit('agent:decision', 1, {
      time: new Date().toISOString(),
      action: 'finish',
      progress: 'parser done, tests pass',
      thought: 'the diff covers the task',
      message: '',
      future: '',
      tokens: { prompt: 1, completion: 1, total: 2 },
      cost: 0,
    });
    await app.shows('parser done, tests pass — the diff covers the task');
    const lines = app.frame().split('\n');
    const title = lines.findIndex((line) => /#1 ● working/.test(line));
    expect(lines[title + 1]).toContain('parser done, tests pass');
    // The screen below it is one row shorter: its top row gives way, aider's prompt at the bottom stays.
    expect(lines[title + 2]).toContain('green line');
  });

  it('sends keystrokes to the agent in focus mode until Ctrl-]', async () => {
    const { run, app } = await dashboard(1);
    app.stdin.write(KEYS.enter);
    await app.shows('typing into agent 1');
    app.stdin.write('y');
    await waitFor(() => run.agents[0]!.written.join('') === 'y', 'the key to reach the agent');
    app.stdin.write('\x1d');
    await app.shows('Tab 1-9 select');
    app.stdin.write('s');
    await waitFor(
      () => run.calls.includes('stopAgent 1'),
      `keys handled by the app again\n${JSON.stringify(run.agents[0]!.written)}\n${app.frame()}`,
    );
    expect(run.agents[0]!.written).toEqual(['y']);
  });

  it('asks before quitting while agents run', async () => {
    const { run, app } = await dashboard(1);
    app.stdin.write('q');
    await app.shows('Stop 1 running agent and quit?');
    app.stdin.write('n');
    await app.hides('and quit?');
    expect(run.calls).not.toContain('stopAll');
    app.stdin.write('q');
    await app.shows('and quit?');
    app.stdin.write('y');
    await waitFor(() => run.calls.includes('stopAll'), 'stopAll');
  });
});

describe('summary', () => {
  it('moves to the summary when the run ends and shows an agent’s diff', async () => {
    const run = new TestRun();
    run.phase = 'agents';
    run.agents = [new TestAgent(1)];
    const app = renderApp(run);
    await app.shows('#1 ● working');
    const summary = summaryOf(run);
    run.summary = summary;
    run.setPhase('summary');
    await app.shows('Summary · run 20260101-000000-test');
    expect(app.frame()).toMatch(/#1\s+✔ succeeded\s+2\s+1\.2k\s+\$0\.0123\s+01:01\s+1\s+1/);
    expect(app.frame()).toContain('1123456 feat: greet');
    app.stdin.write('d');
    await waitFor(() => run.calls.includes('diff 1'), `the diff request\n${app.frame()}`);
    await app.shows('+added line of agent 1');
    app.stdin.write(KEYS.escape);
    await app.shows('Summary · run');
    app.stdin.write('m');
    await app.shows('merged agent 1 into aider-orchestrator/test/merged');
    app.stdin.write('b');
    await app.shows('#1 ● working');
  });
});

describe('summary of a best-of-n run', () => {
  it('marks each task’s winner and why, and w makes another succeeded attempt the winner', async () => {
    const run = new TestRun();
    run.phase = 'summary';
    run.agents = [new TestAgent(1), new TestAgent(2), new TestAgent(3)];
    const base = summaryOf(run, 3);
    const judged = (winner: number, by: 'model' | 'user', reason: string) =>
      base.agents.map((agent) => ({
        ...agent,
        ...(agent.id === 3 ? { status: 'failed' as const, reason: 'check failed' } : {}),
        attempt: { task: 1, attempt: agent.id, of: 3 },
        winner: agent.id === winner,
        ...(agent.id === winner ? { judgement: { by, reason, time: base.finishedAt } } : {}),
      }));
    run.summary = { ...base, agents: judged(1, 'model', 'smaller and complete') };
    run.pickWinner = async (agent: number) => {
      run.calls.push(`pickWinner ${agent}`);
      run.summary = { ...run.summary!, agents: judged(agent, 'user', 'picked on the summary screen') };
      run.emit('run:summary', run.summary);
    };
    const app = renderApp(run);
    await app.shows('Summary · run');
    expect(app.frame()).toMatch(/#1\s+1\/1 win\s+✔ succeeded/);
    expect(app.frame()).toMatch(/#2\s+1\/2\s+✔ succeeded/);
    expect(app.frame()).toContain('task 1, attempt 1 of 3 · winner (model): smaller and complete');

    // The winner cannot be picked again; a failed attempt cannot win.
    app.stdin.write('w');
    await app.shows('it is its task’s winner already');
    app.stdin.write(KEYS.down + KEYS.down);
    await app.shows('task 1, attempt 3 of 3 · not picked: agent 1 won (model)');
    app.stdin.write('w');
    await app.shows('only a succeeded attempt can win');
    expect(run.calls.filter((call) => call.startsWith('pickWinner'))).toEqual([]);

    app.stdin.write(KEYS.up);
    await app.shows('task 1, attempt 2 of 3 · not picked');
    app.stdin.write('w');
    await waitFor(() => run.calls.includes('pickWinner 2'), `the pick\n${app.frame()}`);
    await app.shows('task 1, attempt 2 of 3 · winner (user): picked on the summary screen');
    expect(app.frame()).toMatch(/#2\s+1\/2 win\s+✔ succeeded/);
  });

  it('has no winner to pick when each task had one attempt', async () => {
    const run = new TestRun();
    run.phase = 'summary';
    run.agents = [new TestAgent(1)];
    run.summary = summaryOf(run, 1);
    const app = renderApp(run);
    await app.shows('Summary · run');
    expect(app.frame()).not.toContain(' win ');
    app.stdin.write('w');
    await app.shows('its task has one attempt: nothing to pick from');
    expect(run.calls).not.toContain('pickWinner 1');
  });
});

describe('a pull request from the summary', () => {
  const finished = async () => {
    const run = new TestRun();
    run.phase = 'agents';
    run.agents = [new TestAgent(1)];
    const app = renderApp(run);
    await app.shows('#1 ● working');
    run.summary = summaryOf(run);
    run.setPhase('summary');
    await app.shows('Summary · run 20260101-000000-test');
    return { run, app };
  };

  it('shows what it will push, asks, and pushes nothing on no', async () => {
    const { run, app } = await finished();
    app.stdin.write('p');
    await app.shows('push aider-orchestrator/test/merged (agent 1) and open a pull request into main');
    await app.shows('Push aider-orchestrator/test/merged to origin and open a pull request in octo/app into main?');
    app.stdin.write('n');
    await app.shows('nothing pushed');
    expect(run.calls).not.toContain('openPullRequests');
  });

  it('shows the one line of what is missing (no token, no merge) without asking', async () => {
    const { run, app } = await finished();
    run.pullRequestOffer = async () => {
      throw new UserError('no GitHub token to open the pull request with: set GITHUB_TOKEN in the environment');
    };
    app.stdin.write('p');
    await app.shows('no GitHub token to open the pull request with: set GITHUB_TOKEN');
    expect(app.frame()).not.toContain('Question');
  });

  it('lists the pull requests the summary has, with their URLs', async () => {
    const { run, app } = await finished();
    run.summary = {
      ...run.summary!,
      pullRequests: [{ branch: 'aider-orchestrator/test/merged', url: 'https://github.com/octo/app/pull/7', number: 7 }],
    };
    run.emit('run:summary', run.summary);
    await app.shows('pull request #7 https://github.com/octo/app/pull/7 (aider-orchestrator/test/merged)');
  });
});

describe('follow-up from the summary', () => {
  const summaryScreen = async () => {
    const run = new TestRun();
    run.phase = 'summary';
    run.agents = [new TestAgent(1), new TestAgent(2)];
    for (const agent of run.agents) agent.state = 'succeeded';
    run.summary = summaryOf(run, 2);
    const app = renderApp(run);
    await app.shows('Summary · run');
    return { run, app };
  };

  it('f asks for a message and sends it to the selected agent; its row shows it working, then the new summary', async () => {
    const { run, app } = await summaryScreen();
    app.stdin.write(KEYS.down);
    await app.shows('2123456 feat: greet');
    app.stdin.write('f');
    await app.shows('Follow-up for agent 2: what should it do next?');
    app.stdin.write('Also log the greeting.');
    await app.shows('Also log the greeting.');
    app.stdin.write(KEYS.enter);
    await waitFor(() => run.followUps.length === 1, `the follow-up\n${app.frame()}`);
    expect(run.followUps).toEqual([{ agent: 2, message: 'Also log the greeting.' }]);
    await app.hides('what should it do next?');

    // The run works again (as Run.followUp makes it): the row shows the agent's live state.
    const agent = run.agents[1]!;
    agent.state = 'working';
    agent.usage = { ...agent.usage, iterations: 3 };
    run.setPhase('agents');
    await app.shows(/#2\s+● working\s+3\s/);
    expect(app.frame()).toContain('working on the follow-up');
    expect(app.frame()).toMatch(/#1\s+✔ succeeded\s+2\s/);
    // While it works, a second follow-up waits.
    app.stdin.write('f');
    await app.shows('agent 2 is working: send a follow-up once it has finished');

    // It settles: the rewritten summary replaces the live row.
    agent.state = 'succeeded';
    const updated = summaryOf(run, 2);
    updated.agents[1] = {
      ...updated.agents[1]!,
      iterations: 3,
      commits: [...updated.agents[1]!.commits, { hash: 'f00dfeed1234567', message: 'feat: log' }],
    };
    run.summary = updated;
    run.emit('run:summary', updated);
    run.setPhase('summary');
    await app.shows(/#2\s+✔ succeeded\s+3\s/);
    expect(app.frame()).toContain('f00dfee feat: log');
    expect(app.frame()).not.toContain('working on the follow-up');
  });

  it('sends nothing for an empty message, and explains why an agent without a worktree cannot follow up', async () => {
    const { run, app } = await summaryScreen();
    app.stdin.write('f');
    await app.shows('what should it do next?');
    app.stdin.write(KEYS.enter);
    await app.shows('no message typed: agent 1 stays as it is');
    run.worktreesGone.add(1);
    app.stdin.write('f');
    await app.shows('agent 1 has no worktree (removed?): there is no conversation to continue');
    expect(run.followUps).toEqual([]);
  });
});

describe('settings form', () => {
  it('shows an invalid value inline and does not save it; saves valid values', async () => {
    const dir = makeTempDir('ao-config-');
    onTestFinished(dir.cleanup);
    const store = openConfigStore({ AIDER_ORCHESTRATOR_CONFIG_DIR: dir.dir });
    const app = withFrame(
      render(
        <KeyRouter onInterrupt={() => {}}>
          <ConfigScreen store={store} height={30} onBack={() => {}} />
        </KeyRouter>,
      ),
    );
    onTestFinished(() => app.unmount());
    const frame = app.frame;
    for (let i = 0; i < 4; i += 1) app.stdin.write(KEYS.down); // Max agents at once
    app.stdin.write(KEYS.enter);
    await waitFor(() => frame().includes('editing Max agents at once'), 'the field editor');
    app.stdin.write('0');
    app.stdin.write(KEYS.enter);
    await waitFor(() => frame().includes('Max agents at once must be a whole number from 1 to 64'), `the inline error\n${frame()}`);
    app.stdin.write('S');
    await waitFor(() => frame().includes('not saved'), 'the refusal');
    expect(fs.existsSync(store.path)).toBe(false);

    app.stdin.write(KEYS.enter);
    await waitFor(() => frame().includes('editing Max agents'), 'the field editor again');
    app.stdin.write(KEYS.backspace);
    app.stdin.write('3');
    app.stdin.write(KEYS.enter);
    await waitFor(() => !frame().includes('must be a whole number'), 'the error to clear');
    app.stdin.write('S');
    await waitFor(() => frame().includes('saved to'), 'the save');
    expect(openConfigStore({ AIDER_ORCHESTRATOR_CONFIG_DIR: dir.dir }).read()).toEqual({ maxAgents: 3 });
  });

  it('takes time limits as durations (90s, 10m) and shows them so', async () => {
    const dir = makeTempDir('ao-config-');
    onTestFinished(dir.cleanup);
    const store = openConfigStore({ AIDER_ORCHESTRATOR_CONFIG_DIR: dir.dir });
    const app = withFrame(
      render(
        <KeyRouter onInterrupt={() => {}}>
          <ConfigScreen store={store} height={30} onBack={() => {}} />
        </KeyRouter>,
      ),
    );
    onTestFinished(() => app.unmount());
    const frame = app.frame;
    expect(frame()).toMatch(/Check command timeout\s+default: 10m/);
    for (let i = 0; i < 10; i += 1) app.stdin.write(KEYS.down); // Check command timeout
    app.stdin.write(KEYS.enter);
    await waitFor(() => frame().includes('editing Check command timeout'), 'the field editor');
    app.stdin.write('soon');
    app.stdin.write(KEYS.enter);
    await waitFor(
      () => frame().includes('Check command timeout must be a duration such as 90s, 10m or 1h30m'),
      `the inline error\n${frame()}`,
    );
    app.stdin.write(KEYS.enter);
    await waitFor(() => frame().includes('editing Check command timeout'), 'the field editor again');
    for (let i = 0; i < 'soon'.length; i += 1) app.stdin.write(KEYS.backspace);
    app.stdin.write('90s');
    app.stdin.write(KEYS.enter);
    await waitFor(() => /Check command timeout\s+1m30s/.test(frame()), `the value shown as a duration\n${frame()}`);
    app.stdin.write('S');
    await waitFor(() => frame().includes('saved to'), 'the save');
    expect(openConfigStore({ AIDER_ORCHESTRATOR_CONFIG_DIR: dir.dir }).read()).toEqual({ checkTimeout: 90_000 });
  });
  it('turns the supervisor on or off and gives it a model of its own (default: the PRD model)', async () => {
    const dir = makeTempDir('ao-config-');
    onTestFinished(dir.cleanup);
    const store = openConfigStore({ AIDER_ORCHESTRATOR_CONFIG_DIR: dir.dir });
    const app = withFrame(
      render(
        <KeyRouter onInterrupt={() => {}}>
          <ConfigScreen store={store} height={30} onBack={() => {}} />
        </KeyRouter>,
      ),
    );
    onTestFinished(() => app.unmount());
    const frame = app.frame;
    expect(frame()).toMatch(/Supervisor after each turn\s+default: on/);
    expect(frame()).toMatch(/Supervisor model\s+default: the PRD model/);
    app.stdin.write(KEYS.down);
    app.stdin.write(KEYS.down); // Supervisor after each turn
    app.stdin.write(KEYS.enter);
    await waitFor(() => frame().includes('editing Supervisor after each turn'), 'the field editor');
    app.stdin.write('maybe');
    app.stdin.write(KEYS.enter);
    await waitFor(() => frame().includes('Supervisor after each turn must be on or off'), `the inline error\n${frame()}`);
    app.stdin.write(KEYS.enter);
    await waitFor(() => frame().includes('editing Supervisor after each turn'), 'the field editor again');
    for (let i = 0; i < 'maybe'.length; i += 1) app.stdin.write(KEYS.backspace);
    app.stdin.write('off');
    app.stdin.write(KEYS.enter);
    await waitFor(() => /Supervisor after each turn\s+off/.test(frame()), `the value shown as off\n${frame()}`);
    app.stdin.write(KEYS.down); // Supervisor model
    app.stdin.write(KEYS.enter);
    await waitFor(() => frame().includes('editing Supervisor model'), 'the model editor');
    app.stdin.write('openai/gpt-4.1-mini');
    app.stdin.write(KEYS.enter);
    await waitFor(() => /Supervisor model\s+openai\/gpt-4\.1-mini/.test(frame()), `the model shown\n${frame()}`);
    app.stdin.write('S');
    await waitFor(() => frame().includes('saved to'), 'the save');
    expect(openConfigStore({ AIDER_ORCHESTRATOR_CONFIG_DIR: dir.dir }).read()).toEqual({
      supervisor: false,
      supervisorModel: 'openai/gpt-4.1-mini',
    });
  });
});

describe('$EDITOR', () => {
  it('returns what a real editor process saved', async () => {
    const edited = await editInEditor('# PRD\nold line\n', 'prd.md', { ...process.env, EDITOR: "sed -i 's/old line/new line/'" });
    expect(edited).toBe('# PRD\nnew line\n');
  });

  it('reports an editor that fails', async () => {
    await expect(editInEditor('x', 'prd.md', { ...process.env, EDITOR: 'false' })).rejects.toThrow(
      /exited with code 1: the PRD was not changed/,
    );
  });
});
