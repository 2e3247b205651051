import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyUsage } from '../../src/agents/types.js';
import { headCommit } from '../../src/git/repo.js';
import { agentBranchName, createWorktree } from '../../src/git/worktrees.js';
import { newRunId } from '../../src/orchestrator/runId.js';
import { RunHistory } from '../../src/orchestrator/history.js';
import { isolatedEnv, runCli } from '../support/cli.js';
import { makeTempDir, makeTempRepo, type TempRepo } from '../support/gitRepo.js';
import { cleanUp } from '../support/cleanUp.js';

// `merge` of a best-of-n run, from the real history: two attempts at task 1 that both rewrite a.py
// (they would conflict) and one agent at task 2 on b.py. Only the winner of task 1 is merged.

/** The run as the app records it: real worktrees and commits, the agents in the real history (its process ended). */
const recordBestOf2 = async (repo: TempRepo, dataDir: string, winner: number | undefined) => {
  const id = newRunId();
  const base = await headCommit(repo.dir);
  const plan = [
    { agent: 1, attempt: 1, title: 'Rewrite a', file: 'a.py' },
    { agent: 2, attempt: 2, title: 'Rewrite a', file: 'a.py' },
    { agent: 3, attempt: 1, title: 'Rewrite b', file: 'b.py' },
  ];
  const agents = [];
  for (const { agent, attempt, title, file } of plan) {
    const worktree = path.join(dataDir, 'worktrees', id, `agent-${agent}`);
    const branch = agentBranchName(id, agent);
    await createWorktree({ root: repo.dir, path: worktree, branch, base });
    fs.writeFileSync(path.join(worktree, file), `# written by agent ${agent}\n`);
    await repo.git('-C', worktree, 'commit', '-qam', `feat: agent ${agent}`);
    agents.push({
      task: { agent, attempt, title, description: 'd', files: [file] },
      branch,
      worktree,
      runDir: path.join(dataDir, 'runs', id, `agent-${agent}`),
      state: 'succeeded' as const,
      reason: undefined,
      usage: emptyUsage(),
      startedAt: Date.now(),
      finishedAt: Date.now(),
    });
  }
  const history = RunHistory.inDataDir(dataDir);
  history.startRun(
    {
      id,
      repo: repo.dir,
      baseCommit: base,
      change: 'Rewrite a and b',
      prd: '# PRD',
      prdPath: undefined,
      startedAt: new Date().toISOString(),
      settingsJson: JSON.stringify({ dataDir, agentsPerTask: 2 }),
    },
    agents,
    // A process that has ended: merge takes the run over.
    { pid: 2 ** 22 + 12_345, startTime: 'never' },
  );
  if (winner !== undefined) history.setWinner(id, [1, 2], winner, { by: 'model', reason: 'cleaner', time: new Date().toISOString() });
  history.finishRun(id, { status: 'succeeded', finishedAt: new Date().toISOString(), summaryPath: undefined, cost: 0 });
  history.close();
  return id;
};

const setup = async () => {
  const repo = await makeTempRepo({ 'a.py': 'A = 1\n', 'b.py': 'B = 2\n' });
  const home = makeTempDir('ao-home-');
  cleanUp(repo.cleanup, home.cleanup);
  return { repo, dataDir: path.join(home.dir, 'data'), env: isolatedEnv({ home: home.dir }) };
};

describe('merge of a best-of-n run takes one branch per task: its winner', () => {
  it('merges the winner of task 1 and the one agent of task 2, and names the attempt left out', async () => {
    const { repo, dataDir, env } = await setup();
    const id = await recordBestOf2(repo, dataDir, 2);
    const merged = await runCli(['merge', id], { cwd: repo.dir, env });
    expect(merged.exitCode, merged.stderr).toBe(0);
    expect(merged.stdout).toContain(`merged agents 2, 3 into aider-orchestrator/${id}/merged`);
    expect(merged.stdout).toContain('agent 1: not the winner of task 1 (agent 2 is); left out');
    expect(merged.stdout).not.toContain('conflicts');
    expect(await repo.git('show', `aider-orchestrator/${id}/merged:a.py`)).toBe('# written by agent 2');
    expect(await repo.git('show', `aider-orchestrator/${id}/merged:b.py`)).toBe('# written by agent 3');
  });

  it('leaves out a task whose attempts were never judged, instead of letting them collide', async () => {
    const { repo, dataDir, env } = await setup();
    const id = await recordBestOf2(repo, dataDir, undefined);
    const merged = await runCli(['merge', id], { cwd: repo.dir, env });
    expect(merged.exitCode, merged.stderr).toBe(0);
    expect(merged.stdout).toContain(`merged agent 3 into aider-orchestrator/${id}/merged`);
    expect(merged.stdout).toContain('task 1: agents 1, 2 succeeded and none was judged the winner (the run ended first): left out');
    expect(await repo.git('show', `aider-orchestrator/${id}/merged:a.py`)).toBe('A = 1');
  });
});
