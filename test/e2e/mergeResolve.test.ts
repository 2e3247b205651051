import { execa } from 'execa';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyUsage } from '../../src/agents/types.js';
import { headCommit } from '../../src/git/repo.js';
import { agentBranchName, createWorktree } from '../../src/git/worktrees.js';
import { newRunId } from '../../src/orchestrator/runId.js';
import type { RunSummary } from '../../src/logs/types.js';
import { RunHistory } from '../../src/orchestrator/history.js';
import { processStartTime, type ProcessIdentity } from '../../src/orchestrator/processIdentity.js';
import { findTestAider } from '../support/aider.js';
import { isolatedEnv, runCli } from '../support/cli.js';
import { makeTempDir, makeTempRepo, type TempRepo } from '../support/gitRepo.js';
import { startOpenAiServer, wholeFileEdit } from '../support/openaiServer.js';
import { cleanUp } from '../support/cleanUp.js';

const aider = findTestAider();

const BASE = 'def greet(name):\n    return f"Hello, {name}!"\n';
const WITH_ADD = `${BASE}\n\ndef add(a, b):\n    return a + b\n`;
const WITH_SUB = `${BASE}\n\ndef sub(a, b):\n    return a - b\n`;
const BOTH = `${BASE}\n\ndef add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n`;

/**
 * A finished run as the app records it: real worktrees and branches in the data folder (each
 * agent's commit writes its content to calc.py), the run and its agents in the real history,
 * and its summary file in the repository.
 */
const recordFinishedRun = async (repo: TempRepo, dataDir: string, contents: string[], settings: Record<string, unknown>) => {
  const id = newRunId();
  const base = await headCommit(repo.dir);
  const agents = [];
  for (const [index, content] of contents.entries()) {
    const n = index + 1;
    const worktree = path.join(dataDir, 'worktrees', id, `agent-${n}`);
    const branch = agentBranchName(id, n);
    await createWorktree({ root: repo.dir, path: worktree, branch, base });
    fs.writeFileSync(path.join(worktree, 'calc.py'), content);
    await repo.git('-C', worktree, 'commit', '-qam', `feat: agent ${n}`);
    agents.push({
      task: { agent: n, title: `Task ${n}`, description: `Add function ${n} to calc.py.`, files: ['calc.py'], attempt: 1 },
      branch,
      worktree,
      runDir: path.join(dataDir, 'runs', id, `agent-${n}`),
      state: 'succeeded' as const,
      reason: undefined,
      usage: emptyUsage(),
      startedAt: Date.now(),
      finishedAt: Date.now(),
    });
  }
  const summaryPath = path.join(repo.dir, '.aider_logs', `summary_${id}.json`);
  fs.mkdirSync(path.dirname(summaryPath), { recursive: true });
  fs.writeFileSync(summaryPath, JSON.stringify({ runId: id, agents: [], totals: {}, summaryPath }));
  const history = RunHistory.inDataDir(dataDir);
  history.startRun(
    {
      id,
      repo: repo.dir,
      baseCommit: base,
      change: 'Add add and sub',
      prd: '# PRD',
      prdPath: undefined,
      startedAt: new Date().toISOString(),
      settingsJson: JSON.stringify({ dataDir, logDir: '.aider_logs', ...settings }),
    },
    agents,
    await endedProcess(),
  );
  history.finishRun(id, { status: 'succeeded', finishedAt: new Date().toISOString(), summaryPath, cost: 0 });
  history.close();
  return { id, summaryPath };
};

/** The identity of a process that has ended: the run's app is gone, as after a finished run. */
const endedProcess = async (): Promise<ProcessIdentity> => {
  const child = execa('sleep', ['600'], { reject: false });
  const identity = { pid: child.pid!, startTime: processStartTime(child.pid!) };
  child.kill('SIGKILL');
  await child;
  return identity;
};

const setup = async () => {
  const repo = await makeTempRepo({ 'calc.py': BASE });
  const home = makeTempDir('ao-home-');
  cleanUp(repo.cleanup, home.cleanup);
  return { repo, home: home.dir, dataDir: path.join(home.dir, 'data') };
};

const summaryOf = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as RunSummary;

describe.skipIf('skip' in aider)(`merge --resolve with the real aider${'skip' in aider ? ` (skipped: ${aider.skip})` : ''}`, () => {
  it('resolves the conflicting branch with an agent, runs the check on the result, records both in the summary and exits 0', async () => {
    const { repo, home, dataDir } = await setup();
    const server = await startOpenAiServer([{ text: wholeFileEdit('calc.py', BOTH, 'python') }]);
    cleanUp(() => server.close());
    const check = 'python3 -c "import calc; assert calc.add(2, 1) == 3 and calc.sub(2, 1) == 1" && echo both functions work';
    const run = await recordFinishedRun(repo, dataDir, [WITH_ADD, WITH_SUB], {
      agentModel: 'openai/test-model',
      aiderBin: 'bin' in aider ? aider.bin : '',
      checkCommand: check,
    });
    const env = isolatedEnv({ home }, { OPENAI_API_KEY: 'sk-test-key-0123456789', OPENAI_API_BASE: server.url });

    const merged = await runCli(['merge', '--resolve'], { cwd: repo.dir, env });

    expect(merged.exitCode, merged.stderr).toBe(0);
    const target = `aider-orchestrator/${run.id}/merged`;
    expect(merged.stdout.trim().split('\n')).toEqual([
      `merged agents 1, 2 into ${target}`,
      'agent 2 conflicted in calc.py: resolved by an agent and merged',
      `check passed on ${target}: ${check}`,
    ]);
    expect(merged.stderr).toContain('agent 2 conflicts in calc.py: resolving with an agent');
    expect(await repo.git('show', `${target}:calc.py`)).toBe(BOTH.trimEnd());
    expect((await repo.git('rev-list', '--parents', '-n', '1', target)).trim().split(' ')).toHaveLength(3);
    // The model saw both agents' tasks.
    const turn = server.requests.find((request) => request.kind === 'turn');
    expect(turn?.text).toContain('Add function 1 to calc.py.');
    expect(turn?.text).toContain('Add function 2 to calc.py.');
    expect(summaryOf(run.summaryPath).merge).toMatchObject({
      branch: target,
      merged: [1, 2],
      leftOut: [],
      resolved: [{ agent: 2, files: ['calc.py'] }],
      check: { command: check, passed: true, exitCode: 0 },
    });
    expect(summaryOf(run.summaryPath).merge?.check?.output).toContain('both functions work');
  });
});

describe('merge and the check command', () => {
  it('exits 1 with the check output when the check fails on the integration branch', async () => {
    const { repo, home, dataDir } = await setup();
    const run = await recordFinishedRun(repo, dataDir, [WITH_ADD], {
      agentModel: 'gpt-4o',
      checkCommand: 'echo "FAILED test_calc: 1 of 3 tests"; exit 3',
    });
    const env = isolatedEnv({ home }, { OPENAI_API_KEY: 'sk-test' });

    const merged = await runCli(['merge'], { cwd: repo.dir, env });

    expect(merged.exitCode, merged.stderr).toBe(1);
    const target = `aider-orchestrator/${run.id}/merged`;
    expect(merged.stdout.trim().split('\n')).toEqual([
      `merged agent 1 into ${target}`,
      `check failed on ${target} (exit 3): echo "FAILED test_calc: 1 of 3 tests"; exit 3`,
      '  FAILED test_calc: 1 of 3 tests',
    ]);
    expect(summaryOf(run.summaryPath).merge?.check).toMatchObject({ passed: false, exitCode: 3 });

    // --no-check: the merge alone decides.
    await repo.git('branch', '-D', target);
    const unchecked = await runCli(['merge', '--no-check'], { cwd: repo.dir, env });
    expect(unchecked.exitCode, unchecked.stderr).toBe(0);
    expect(unchecked.stdout.trim()).toBe(`merged agent 1 into ${target}`);
  });
});
