import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findTestAider } from '../support/aider.js';
import { expectUserError, runCli } from '../support/cli.js';
import { wholeFileEdit } from '../support/openaiServer.js';
import { waitForNoProcess } from '../support/processes.js';
import { scriptedModels } from '../support/scriptedModels.js';

const aider = findTestAider();

/** A user mistake: exit 2, one `error: ...` line, no stack trace (support/cli.ts). */
const expectRefused = (result: { exitCode: number | undefined; stderr: string }, pattern: RegExp) => {
  expect(result.exitCode, result.stderr).toBe(2);
  expectUserError(result.stderr, pattern);
};

const FOLLOW_UP = 'Now set A to 11 as well.';

describe.skipIf('skip' in aider)(`follow-up after the app has exited${'skip' in aider ? ` (skipped: ${aider.skip})` : ''}`, () => {
  it('continues the agent’s conversation: the message reaches the model, a commit lands, the summary and history are rewritten', async () => {
    const { repo, home, openai, env } = await scriptedModels({
      files: { 'a.py': 'A = 1\n' },
      prd: '# PRD\n\nSet A to 10.\n',
      script: (request) => ({ text: wholeFileEdit('a.py', request.text.includes(FOLLOW_UP) ? 'A = 11\n' : 'A = 10\n', 'python') }),
    });
    const bin = 'bin' in aider ? aider.bin : '';
    const run = await runCli(
      ['--headless', '--yes', '--change', 'Set A to 10', '--files', 'a.py', '--model', 'openai/test-model', '--aider-bin', bin],
      { cwd: repo.dir, env },
    );
    expect(run.exitCode, run.stderr).toBe(0);
    const runId = /Run (\d{8}-\d{6}-[0-9a-f]{4})/.exec(run.stderr)![1]!;
    const runsDir = path.join(home, 'data', 'runs');
    await waitForNoProcess(runsDir);

    // Mistakes first: each one line, exit 2, nothing started.
    expectRefused(
      await runCli(['follow-up', '--agent', '3', '--message', 'x'], { cwd: repo.dir, env }),
      new RegExp(`^error: run ${runId} has no agent 3 \\(its agents: 1\\): pass one of them to --agent$`),
    );
    expectRefused(
      await runCli(['follow-up', '20990101-000000-dead', '--agent', '1', '--message', 'x'], { cwd: repo.dir, env }),
      /^error: no run 20990101-000000-dead in the history \(.*runs\.db\): see `aider-orchestrator runs`$/,
    );
    expectRefused(
      await runCli(['follow-up', '--agent', '1', '--message', '   '], { cwd: repo.dir, env }),
      /^error: the follow-up message is empty: pass --message "<what the agent should do next>"$/,
    );
    expect(openai.requests.filter((request) => request.kind === 'turn')).toHaveLength(1);

    const followed = await runCli(['follow-up', '--agent', '1', '--message', FOLLOW_UP], { cwd: repo.dir, env });
    expect(followed.exitCode, followed.stderr).toBe(0);
    expect(followed.stderr).toContain(`Follow-up for agent 1 of run ${runId}: ${FOLLOW_UP}`);
    expect(followed.stdout).toMatch(/^agent 1 succeeded: 2 iterations, 2 commits on aider-orchestrator\/\S+\/agent-1$/m);
    // The message reached the model in the restored conversation (the first task is in it too).
    const turns = openai.requests.filter((request) => request.kind === 'turn');
    expect(turns).toHaveLength(2);
    expect(turns[1]!.text).toContain(FOLLOW_UP);
    expect(turns[1]!.text).toContain('Do the task described in the read-only file task.md');
    // A second commit on the agent's branch.
    const branch = `aider-orchestrator/${runId}/agent-1`;
    expect((await repo.git('log', '--format=%s', `main..${branch}`)).trim().split('\n')).toHaveLength(2);
    expect(await repo.git('show', `${branch}:a.py`)).toBe('A = 11');
    // The summary file and the history say so.
    const logDir = path.join(repo.dir, '.aider_logs');
    const summaryFiles = fs.readdirSync(logDir).filter((name) => name.startsWith('summary_'));
    expect(summaryFiles).toHaveLength(1);
    const summary = JSON.parse(fs.readFileSync(path.join(logDir, summaryFiles[0]!), 'utf8'));
    expect(summary.status).toBe('succeeded');
    expect(summary.agents[0].iterations).toBe(2);
    expect(summary.agents[0].commits).toHaveLength(2);
    const shown = await runCli(['show', runId], { cwd: repo.dir, env });
    expect(shown.stdout).toMatch(/^1\s+succeeded\s+2\s/m);
    await waitForNoProcess(runsDir);

    // Once its worktree is removed, there is no conversation to continue.
    const cleaned = await runCli(['clean', '--yes'], { cwd: repo.dir, env });
    expect(cleaned.exitCode, cleaned.stderr).toBe(0);
    expectRefused(
      await runCli(['follow-up', runId, '--agent', '1', '--message', 'x'], { cwd: repo.dir, env }),
      new RegExp(`^error: agent 1 of run ${runId} has no worktree \\(.*\\): there is no conversation to continue; start a new run$`),
    );
  }, 300_000);
});
