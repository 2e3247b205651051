import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findTestAider } from '../support/aider.js';
import { CLI_MAIN } from '../support/cli.js';
import { wholeFileEdit } from '../support/openaiServer.js';
import { processesWith, waitForNoProcess } from '../support/processes.js';
import { PtyScreen } from '../support/ptyScreen.js';
import { waitFor } from '../support/waitFor.js';
import { cleanUp } from '../support/cleanUp.js';
import { scriptedModels } from '../support/scriptedModels.js';

const aider = findTestAider();

const FOLLOW_UP = 'Now set A to 11 as well.';

/**
 * The app in a real terminal, run to its summary: its one agent sets A to 10, and a later turn
 * whose text holds `marker` sets A to `next`. Everything ends with the test.
 */
const runToSummary = async (marker: string, next: string) => {
  const world = await scriptedModels({
    files: { 'a.py': 'A = 1\n' },
    prd: '# PRD\n\nSet A to 10.\n',
    script: (request) => ({ text: wholeFileEdit('a.py', request.text.includes(marker) ? next : 'A = 10\n', 'python') }),
    env: { TERM: 'xterm-256color' },
  });
  const args = [
    '--yes',
    '--change',
    'Set A',
    '--files',
    'a.py',
    '--model',
    'openai/test-model',
    '--aider-bin',
    'bin' in aider ? aider.bin : '',
  ];
  const screen = new PtyScreen(process.execPath, [CLI_MAIN, ...args], { cwd: world.repo.dir, env: world.env, cols: 120, rows: 40 });
  cleanUp(() => screen.close());
  await screen.expectScreen((text) => {
    expect(text).toContain('Summary · run');
    expect(text).toMatch(/#1\s+✔ succeeded\s+1\s/);
    expect(text).toMatch(/f follow-up/);
  }, 200_000);
  return { ...world, screen, runsDir: path.join(world.home, 'data', 'runs') };
};

describe.skipIf('skip' in aider)(`f on the summary, in a real terminal${'skip' in aider ? ` (skipped: ${aider.skip})` : ''}`, () => {
  it('types the follow-up into the agent’s idle aider: the model gets it, a commit lands, the summary is updated', async () => {
    const { repo, openai, screen, runsDir } = await runToSummary(FOLLOW_UP, 'A = 11\n');
    // The finished agent's aider waits at its prompt.
    expect((await processesWith(runsDir)).filter((line) => line.includes('--analytics-log'))).toHaveLength(1);

    screen.press('f');
    await screen.expectScreen((text) => expect(text).toContain('Follow-up for agent 1: what should it do next?'));
    screen.press(FOLLOW_UP);
    await screen.expectScreen((text) => expect(text).toContain(FOLLOW_UP));
    screen.press('\r');
    await screen.expectScreen((text) => {
      expect(text).toMatch(/#1\s+✔ succeeded\s+2\s/);
      expect(text).toMatch(/total\s+1\/1 ok\s+2\s/);
      expect(text).not.toContain('working on the follow-up');
    }, 120_000);

    const turns = openai.requests.filter((request) => request.kind === 'turn');
    expect(turns).toHaveLength(2);
    expect(turns[1]!.text).toContain(FOLLOW_UP);
    const runId = fs.readdirSync(runsDir)[0]!;
    expect((await repo.git('log', '--format=%s', `main..aider-orchestrator/${runId}/agent-1`)).trim().split('\n')).toHaveLength(2);
    // The same aider took the follow-up: one session in its analytics log.
    const analytics = fs.readFileSync(path.join(runsDir, runId, 'agent-1', 'run-1', 'analytics.jsonl'), 'utf8');
    expect(analytics.match(/"event": ?"cli session"/g)).toHaveLength(1);
    const logDir = path.join(repo.dir, '.aider_logs');
    const summaryFile = fs.readdirSync(logDir).find((name) => name.startsWith('summary_'))!;
    const summary = JSON.parse(fs.readFileSync(path.join(logDir, summaryFile), 'utf8'));
    expect(summary.agents[0].iterations).toBe(2);
    expect(summary.agents[0].commits).toHaveLength(2);

    // Quitting ends every idle aider.
    screen.press('q');
    expect(await screen.exited).toBe(0);
    await waitForNoProcess(runsDir);
  }, 300_000);

  it('review comments on the diff reach the agent as one turn (S): the model gets them, a commit lands', async () => {
    const COMMENT = 'Use twelve here, not ten.';
    const { repo, openai, screen, runsDir } = await runToSummary(COMMENT, 'A = 12\n');

    screen.press('d');
    await screen.expectScreen((text) => {
      expect(text).toContain('A = 10');
      expect(text).toMatch(/c comment/);
    });
    // The cursor starts on the first row: a comment on the whole change.
    screen.press('c');
    await screen.expectScreen((text) => expect(text).toContain('Comment on'));
    screen.press(COMMENT);
    await screen.expectScreen((text) => expect(text).toContain(COMMENT));
    screen.press('\r');
    await screen.expectScreen((text) => {
      expect(text).toContain(`↳ ${COMMENT}`);
      expect(text).toContain('1 comment not sent');
    });
    screen.press('S');
    await screen.expectScreen((text) => expect(text).toContain('A = 12'), 120_000);

    const turns = () => openai.requests.filter((request) => request.kind === 'turn');
    await waitFor(() => turns().length === 2, 'the comments to reach the model as one turn');
    expect(turns()[0]!.text).not.toContain(COMMENT);
    expect(turns()[1]!.text).toContain(COMMENT);
    const runId = fs.readdirSync(runsDir)[0]!;
    const commits = async () => (await repo.git('log', '--format=%s', `main..aider-orchestrator/${runId}/agent-1`)).trim().split('\n');
    await waitFor(async () => (await commits()).length === 2, 'the second commit', 60_000);

    screen.press('q');
    await screen.expectScreen((text) => expect(text).toMatch(/#1\s+✔ succeeded\s+2\s/), 120_000);
    screen.press('q');
    expect(await screen.exited).toBe(0);
    await waitForNoProcess(runsDir);
  }, 300_000);
});
