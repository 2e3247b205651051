import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { reviewMessage } from '../../src/agents/reviewComments.js';
import { diffSince } from '../../src/git/commits.js';
import { KEYS, TestAgent, TestRun } from '../support/fakeRun.js';
import { makeTempRepo, type TempRepo } from '../support/gitRepo.js';
import { plain, renderApp, summaryOf } from './renderApp.js';
import { waitFor } from '../support/waitFor.js';

const GREET = 'import os\n\ndef greet(name):\n    return "hi " + name\n';

/** A real repository as agent 1's worktree: the run's base, then one commit of the agent. */
const agentRepo = async (): Promise<{ repo: TempRepo; base: string }> => {
  const repo = await makeTempRepo({ 'greet.py': GREET });
  onTestFinished(repo.cleanup);
  const base = (await repo.git('rev-parse', 'HEAD')).trim();
  await commit(repo, 'greet.py', GREET.replace('"hi " + name', 'f"hi {name}"'), 'feat: f-string');
  return { repo, base };
};

const commit = async (repo: TempRepo, file: string, content: string, message: string) => {
  fs.writeFileSync(path.join(repo.dir, file), content);
  await repo.git('add', '-A');
  await repo.git('commit', '-q', '-m', message);
};

/** A dashboard of two working agents; agent 1's diff is the repository's, agent 2's is a line of its own. */
const dashboard = async () => {
  const { repo, base } = await agentRepo();
  const run = new TestRun();
  run.phase = 'agents';
  run.agents = [new TestAgent(1), new TestAgent(2)];
  await run.agents[0]!.print('output of agent one');
  await run.agents[1]!.print('output of agent two');
  run.diff = async (agent: number) => {
    run.calls.push(`diff ${agent}`);
    return agent === 1
      ? diffSince(repo.dir, base)
      : 'diff --git a/b.py b/b.py\n--- a/b.py\n+++ b/b.py\n@@ -1 +1 @@\n-old\n+new of agent 2\n';
  };
  const app = renderApp(run);
  await app.shows('output of agent two');
  return { run, app, repo };
};

/** The frame's row that holds `text`, with its colour codes. */
const rawRow = (frame: string, text: string) => frame.split('\n').find((row) => plain(row).includes(text)) ?? '';

/** `text` right after the SGR code that opens it (Ink may close it its own way). */
const sgr = (code: string, text: string) => `\x1b[${code}m${text}`;

describe('d on the dashboard: the selected agent’s diff, coloured, live', () => {
  it('opens agent 1’s diff against the run’s base with added lines green, removed red, hunk headers cyan, file headers bold', async () => {
    const { run, app } = await dashboard();
    app.stdin.write('d');
    await app.shows('+    return f"hi {name}"');
    expect(run.calls).toContain('diff 1');
    expect(app.frame()).toMatch(/Agent 1 · aider-orchestrator\/test\/agent-1 ● working/);
    expect(app.frame()).toContain('the whole change: 1 file, +1 -1');
    const raw = app.lastFrame()!;
    // Ink may close a colour with its own code: the colour must open right before the text.
    expect(rawRow(raw, '+    return f"hi {name}"')).toContain(sgr('32', '+    return f"hi {name}"'));
    expect(rawRow(raw, '-    return "hi " + name')).toContain(sgr('31', '-    return "hi " + name'));
    expect(rawRow(raw, '@@ -1,4 +1,4 @@')).toContain(sgr('36', '@@ -1,4 +1,4 @@'));
    expect(rawRow(raw, 'diff --git a/greet.py b/greet.py')).toContain(sgr('1', 'diff --git a/greet.py b/greet.py'));
    // Unchanged lines keep the terminal's colour; the new file's line numbers are in the gutter.
    expect(rawRow(raw, ' import os')).not.toMatch(/\[3[12]m import os/);
    expect(app.frame()).toMatch(/ {2}4 \+ {4}return f"hi \{name\}"/);
  });

  it('reads the diff again when the agent commits (aider’s commit line) and at the end of its turn', async () => {
    const { run, app, repo } = await dashboard();
    app.stdin.write('d');
    await app.shows('+    return f"hi {name}"');
    await commit(
      repo,
      'greet.py',
      `${GREET.replace('"hi " + name', 'f"hi {name}"')}\n\ndef shout(name):\n    return greet(name).upper()\n`,
      'feat: shout',
    );
    run.emit('agent:line', 1, 'Commit 1a2b3c4 feat: shout');
    await app.shows('+def shout(name):');
    expect(app.frame()).toContain('the whole change: 1 file, +5 -1');

    await commit(repo, 'README.md', 'Greets people.\n', 'docs: readme');
    run.emit('agent:line', 2, 'Commit 9999999 not this agent');
    run.agents[0]!.state = 'waiting';
    run.emit('agent:state', 1, 'waiting', 'the supervisor reads the turn');
    await app.shows('+Greets people.');
    expect(app.frame()).toContain('the whole change: 2 files, +6 -1');
  });

  it('goes back to the dashboard as it was: the same pane selected, still zoomed', async () => {
    const { run, app } = await dashboard();
    app.stdin.write('2');
    app.stdin.write('z');
    await app.hides('output of agent one');
    app.stdin.write('d');
    await app.shows('+new of agent 2');
    expect(run.calls).toContain('diff 2');
    app.stdin.write(KEYS.escape);
    await app.shows('output of agent two');
    expect(app.frame()).not.toContain('output of agent one');
    app.stdin.write('s');
    await waitFor(() => run.calls.includes('stopAgent 2'), `the selected agent to be stopped\n${run.calls.join('\n')}`);
  });

  it('stays open when the run ends under it; back then shows the summary, and the keys were the diff’s meanwhile', async () => {
    const { run, app } = await dashboard();
    app.stdin.write('d');
    await app.shows('+    return f"hi {name}"');
    run.summary = summaryOf(run, 2);
    run.setPhase('summary');
    run.emit('run:summary', run.summary);
    await waitFor(
      () => run.calls.filter((call) => call === 'diff 1').length >= 2,
      `the diff read again for the summary\n${run.calls.join('\n')}`,
    );
    app.stdin.write('j');
    await app.shows(/› +diff --git a\/greet\.py/);
    expect(app.frame()).not.toContain('Summary · run');
    app.stdin.write(KEYS.escape);
    await app.shows('Summary · run');
  });

  it('says why d cannot open a queued agent’s diff', async () => {
    const { run, app } = await dashboard();
    run.agents[0]!.state = 'queued';
    run.emit('agent:state', 1, 'queued', undefined);
    await app.shows('#1 … queued');
    app.stdin.write('d');
    await app.shows('agent 1 is queued: it has no changes until it starts');
    expect(run.calls).not.toContain('diff 1');
  });
});

describe('comments on the diff, sent to the agent as one turn', () => {
  /** Moves the cursor to the added line and opens agent 1's diff. */
  const onAddedLine = async () => {
    const h = await dashboard();
    h.app.stdin.write('d');
    await h.app.shows('+    return f"hi {name}"');
    h.app.stdin.write('j'.repeat(10));
    await h.app.shows(/› +4 \+ {4}return f"hi \{name\}"/);
    return h;
  };

  it('c writes a comment on the line under the cursor, shown under that line; x deletes it', async () => {
    const { app } = await onAddedLine();
    app.stdin.write('c');
    await app.shows('Comment on greet.py line 4');
    app.stdin.write('use a constant for the greeting');
    app.stdin.write(KEYS.enter);
    await app.shows('↳ use a constant for the greeting');
    const rows = app.frame().split('\n');
    const line = rows.findIndex((row) => row.includes('+    return f"hi {name}"'));
    expect(rows[line + 1]).toMatch(/^› +↳ use a constant for the greeting/);
    expect(app.frame()).toContain('1 comment not sent');
    app.stdin.write('x');
    await app.hides('↳ use a constant');
    app.stdin.write('x');
    await app.shows('no comment on this line: move the cursor to one');
  });

  it('c on the first line comments on the whole change; comments stay when the diff is left and opened again', async () => {
    const { app } = await onAddedLine();
    app.stdin.write('g');
    await app.shows(/› +the whole change/);
    app.stdin.write('c');
    await app.shows('Comment on the whole change');
    app.stdin.write('add a test\r');
    await app.shows('↳ add a test');
    app.stdin.write('q');
    await app.shows('output of agent two');
    app.stdin.write('d');
    await app.shows('↳ add a test');
  });

  it('S sends every comment as one follow-up (file, line, code, comment), clears them, and the diff follows the agent’s new commits', async () => {
    const { run, app, repo } = await onAddedLine();
    app.stdin.write('S');
    await app.shows('no comments to send: c writes one on the line under the cursor');
    app.stdin.write('cuse a constant\r');
    await app.shows('↳ use a constant');
    app.stdin.write('k'.repeat(4));
    await app.shows(/› +1 {2}import os/);
    app.stdin.write('cis os still used?\r');
    await app.shows('↳ is os still used?');
    app.stdin.write('gcadd a test\r');
    await app.shows('↳ add a test');

    app.stdin.write('S');
    await app.shows('agent 1 is working: send the comments once it has finished (they are kept)');
    expect(run.followUps).toEqual([]);

    run.agents[0]!.state = 'succeeded';
    run.emit('agent:state', 1, 'succeeded', undefined);
    await app.shows('✔ succeeded');
    app.stdin.write('S');
    await app.shows('3 comments sent to agent 1');
    expect(run.followUps).toEqual([
      {
        agent: 1,
        message: reviewMessage([
          { file: 'greet.py', line: 4, code: '    return f"hi {name}"', change: 'added', text: 'use a constant' },
          { file: 'greet.py', line: 1, code: 'import os', change: 'unchanged', text: 'is os still used?' },
          { text: 'add a test' },
        ]),
      },
    ]);
    expect(run.followUps[0]!.message).toContain('1. greet.py, line 4\n   Code: return f"hi {name}"\n   Comment: use a constant');
    expect(app.frame()).not.toContain('↳');

    // The agent works on them: its commit shows.
    run.agents[0]!.state = 'working';
    run.emit('agent:state', 1, 'working', undefined);
    await commit(
      repo,
      'greet.py',
      GREET.replace('"hi " + name', 'GREETING + name').replace('import os', 'GREETING = "hi "'),
      'fix: review',
    );
    run.emit('agent:line', 1, 'Commit 2b3c4d5 fix: review');
    await app.shows('+GREETING = "hi "');
  });

  it('keeps the comments and says why when the agent cannot take them', async () => {
    const { run, app } = await onAddedLine();
    run.followUp = (agent: number) => {
      throw new Error(`agent ${agent} is gone`);
    };
    run.agents[0]!.state = 'failed';
    run.emit('agent:state', 1, 'failed', 'the model call failed');
    app.stdin.write('cplease retry\r');
    await app.shows('↳ please retry');
    app.stdin.write('S');
    await app.shows('the comments were not sent: agent 1 is gone');
    expect(app.frame()).toContain('↳ please retry');
  });
});
