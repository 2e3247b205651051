import { describe, expect, it } from 'vitest';
import { KEYS, TestAgent, TestRun } from '../support/fakeRun.js';
import { waitFor } from '../support/waitFor.js';
import { plan, renderApp } from './renderApp.js';

const dashboard = async (count: number) => {
  const run = new TestRun();
  run.phase = 'agents';
  run.agents = Array.from({ length: count }, (_, i) => new TestAgent(i + 1));
  for (const agent of run.agents) await agent.print(`output of agent ${agent.id}`);
  const app = renderApp(run);
  await app.shows('output of agent 1');
  return { run, app };
};

describe('overlays are drawn over the screen, which keeps its state under them', () => {
  it('keeps a file moved on the assignment screen through the help', async () => {
    const run = new TestRun();
    run.phase = 'assignment';
    run.plan = plan();
    const app = renderApp(run);
    await app.shows('File assignment · 2 agents');
    app.stdin.write(KEYS.down); // src/api.ts
    app.stdin.write('2');
    await app.shows('Agent 2 Part 2 of 2: ui (2 files)');
    app.stdin.write('?');
    await app.shows('Keys · File assignment');
    expect(app.frame()).toContain('send the file under the cursor to that agent');
    app.stdin.write(KEYS.escape);
    await app.hides('Keys · File assignment');
    expect(app.frame()).toContain('Agent 1 Part 1 of 2: api (1 file)');
    expect(app.frame()).toContain('Agent 2 Part 2 of 2: ui (2 files)');
    app.stdin.write(KEYS.enter);
    await waitFor(() => run.calls.includes('startAgents'), 'startAgents');
    expect(run.plan!.tasks.map((task) => task.files)).toEqual([['src/client.ts'], ['src/api.ts', 'src/ui.tsx']]);
  });

  it('keeps the dashboard zoomed on the selected pane through the help', async () => {
    const { run, app } = await dashboard(3);
    app.stdin.write(KEYS.tab);
    app.stdin.write('z');
    await app.hides('output of agent 1');
    app.stdin.write('?');
    await app.shows('Keys · Agents dashboard');
    app.stdin.write('q'); // closes the help; it does not quit
    await app.hides('Keys · Agents dashboard');
    expect(app.frame()).toContain('output of agent 2');
    expect(app.frame()).not.toContain('output of agent 1');
    expect(app.frame()).not.toContain('and quit?');
    app.stdin.write('s');
    await waitFor(() => run.calls.includes('stopAgent 2'), 'the selected agent still selected');
  });

  it('keeps the dashboard zoomed on the selected pane through the settings', async () => {
    const { run, app } = await dashboard(3);
    app.stdin.write(KEYS.tab);
    app.stdin.write('z');
    await app.hides('output of agent 1');
    app.stdin.write('c');
    await app.shows('Settings');
    expect(app.frame()).not.toContain('output of agent 2');
    app.stdin.write(KEYS.escape);
    await app.shows('output of agent 2');
    expect(app.frame()).not.toContain('Settings');
    expect(app.frame()).not.toContain('output of agent 1');
    app.stdin.write('s');
    await waitFor(() => run.calls.includes('stopAgent 2'), 'the selected agent still selected');
  });

  it('keeps the change typed so far through the settings', async () => {
    const run = new TestRun();
    run.change = '';
    const app = renderApp(run);
    await app.shows('What should the agents change?');
    app.stdin.write('Add dark mode');
    await app.shows('Add dark mode');
    app.stdin.write('\x0f'); // Ctrl-O
    await app.shows('Settings');
    app.stdin.write(KEYS.escape);
    await app.shows('What should the agents change?');
    expect(app.frame()).toContain('Add dark mode');
    app.stdin.write(KEYS.enter);
    await waitFor(() => run.calls.includes('setChange Add dark mode'), 'the typed change submitted');
  });

  it('gives the question the keys first: nothing reaches the dashboard under it', async () => {
    const { run, app } = await dashboard(2);
    app.stdin.write('q');
    await app.shows('Stop 2 running agents and quit? The summary is still written.');
    app.stdin.write('s');
    await app.shows('y answers yes, n or Esc no');
    expect(run.calls).not.toContain('stopAgent 1');
    app.stdin.write(KEYS.escape);
    await app.hides('and quit?');
    expect(run.calls).not.toContain('stopAll');
  });

  it('types the keys that follow the one opening a prompt into the prompt (a fast typist, a script)', async () => {
    const run = new TestRun();
    run.phase = 'review';
    run.prd = '# PRD';
    const app = renderApp(run);
    await app.shows('PRD ready');
    app.stdin.write('rmention rate limits\r');
    await waitFor(() => run.calls.includes('generatePrd mention rate limits'), `regeneration with feedback\n${run.calls.join('\n')}`);
  });

  it('does not run a pasted second line as commands', async () => {
    const run = new TestRun();
    run.phase = 'review';
    run.prd = '# PRD';
    const app = renderApp(run);
    await app.shows('PRD ready');
    app.stdin.write('r');
    await app.shows('What should change in the PRD?');
    app.stdin.write('shorter\rqa');
    await waitFor(() => run.calls.includes('generatePrd shorter'), 'regeneration with the first line');
    expect(run.calls).not.toContain('cancel');
    expect(run.calls).not.toContain('approvePrd');
  });
});

describe('the PRD screen', () => {
  it('shows the PRD saved in $EDITOR at once', async () => {
    const run = new TestRun();
    run.phase = 'review';
    run.prd = '# PRD v1\n\nThe first version.';
    const app = renderApp(run, { edit: async () => '# PRD v2\n\nEdited by hand in the editor.' });
    await app.shows('The first version.');
    app.stdin.write('e');
    await app.shows('Edited by hand in the editor.');
    expect(app.frame()).not.toContain('The first version.');
    expect(app.frame()).toContain('PRD v2');
    expect(app.frame()).not.toContain('# PRD v2');
  });

  it('says why a cannot approve while the PRD is written, and approves once it is ready', async () => {
    const run = new TestRun();
    const app = renderApp(run);
    await app.shows('Writing the PRD');
    app.stdin.write('a');
    await app.shows('the PRD is still being written: `a` approves it once it is ready');
    expect(run.calls).not.toContain('approvePrd');
    run.prd = '# PRD\n\nDone.';
    run.setPhase('review');
    await app.shows('PRD ready');
    app.stdin.write('a');
    await waitFor(() => run.calls.includes('approvePrd'), 'approvePrd');
  });

  it('says the plan is being written when a, e or r come after the approval', async () => {
    const run = new TestRun();
    run.phase = 'planning';
    run.prd = '# PRD\n\nApproved.';
    const app = renderApp(run);
    await app.shows('Planning the agents');
    for (const key of ['a', 'e', 'r']) {
      app.stdin.write(key);
      await app.shows('the PRD is approved and the plan is being written: the file assignment opens when it is ready');
      app.stdin.write(KEYS.down); // another key clears the message
      await app.hides('the plan is being written');
    }
    expect(run.calls.filter((call) => call !== 'generatePrd')).toEqual([]);
  });
});

describe('panes: scrollback, search, mouse', () => {
  const history = async () => {
    const run = new TestRun();
    run.phase = 'agents';
    run.agents = [new TestAgent(1), new TestAgent(2)];
    await run.agents[0]!.print(Array.from({ length: 60 }, (_, i) => (i % 20 === 5 ? `line ${i} needle here` : `line ${i}`)).join('\r\n'));
    await run.agents[1]!.print('other agent');
    const app = renderApp(run);
    await app.shows('line 59');
    return { run, app };
  };

  it('/ finds text in the selected pane’s scrollback; n and N go to older and newer matches; End returns to live', async () => {
    const { app } = await history();
    app.stdin.write('/');
    await app.shows('Search agent 1’s scrollback');
    app.stdin.write('needle\r');
    await app.shows('/needle 1/3');
    expect(app.frame()).toContain('line 45 needle here');
    app.stdin.write('n');
    await app.shows('/needle 2/3');
    expect(app.frame()).toContain('line 25 needle here');
    expect(app.frame()).not.toContain('line 59');
    app.stdin.write('n');
    await app.shows('/needle 3/3');
    expect(app.frame()).toContain('line 5 needle here');
    app.stdin.write('n');
    await app.shows('no older match: back to the newest');
    expect(app.frame()).toContain('/needle 1/3');
    app.stdin.write('N');
    await app.shows('no newer match: back to the oldest');
    app.stdin.write(KEYS.end);
    await app.shows('line 59');
    expect(app.frame()).not.toMatch(/↑\d+/);
  });

  it('says so when the text is not in the pane', async () => {
    const { app } = await history();
    app.stdin.write('/absent\r');
    await app.shows('“absent” is not in agent 1’s scrollback');
  });

  it('scrolls the pane under the mouse wheel, not the selected one', async () => {
    const { app } = await history();
    // Agent 1's pane is the left half of the 100-column test window, agent 2's the right.
    app.stdin.write('\x1b[<64;70;10M'); // wheel up over agent 2: it has no history
    app.stdin.write('\x1b[<64;10;10M\x1b[<64;10;10M'); // twice over agent 1
    await app.shows(/#1 .*↑6/);
    app.stdin.write('\x1b[<65;10;10M');
    await app.shows(/#1 .*↑3/);
    expect(app.frame()).not.toMatch(/#2 .*↑/);
  });

  it('says why PgDn and End do nothing on a live pane', async () => {
    const { app } = await history();
    app.stdin.write(KEYS.pageDown);
    await app.shows('the pane is live already');
  });
});
