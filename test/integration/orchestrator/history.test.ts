import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { emptyUsage } from '../../../src/agents/types.js';
import { RunHistory } from '../../../src/orchestrator/history.js';
import { makeTempDir } from '../../support/gitRepo.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

const open = () => {
  const dir = makeTempDir('ao-history-');
  cleanups.push(dir.cleanup);
  return { dir: dir.dir, history: RunHistory.inDataDir(dir.dir) };
};

const task = (agent: number) => ({ agent, title: `Task ${agent}`, description: 'd', files: [`f${agent}.ts`], attempt: 1 });
const run = (id: string, repo = '/repo') => ({ id, repo, baseCommit: 'abc', change: `change ${id}`, prd: '# PRD', prdPath: undefined, startedAt: `2026-01-0${id.slice(-1)}T00:00:00Z`, settingsJson: '{}' });
const agent = (n: number) => ({ task: task(n), branch: `b${n}`, worktree: `/wt/${n}`, runDir: `/runs/${n}`, state: 'queued' as const, reason: undefined, usage: emptyUsage(), startedAt: undefined, finishedAt: undefined });

describe('run history (SQLite)', () => {
  it('records runs and agents as they change, and survives reopening', () => {
    const { dir, history } = open();
    history.startRun(run('r1'), [agent(1), agent(2)]);
    history.updateAgent('r1', 1, { state: 'succeeded', reason: undefined, usage: { iterations: 2, tokens: { prompt: 10, completion: 5, total: 15 }, cost: 0.5 }, startedAt: 1, finishedAt: 2 });
    history.close();

    const again = new RunHistory(path.join(dir, 'runs.db'));
    const agents = again.agentsOf('r1');
    expect(agents.map((a) => [a.task.agent, a.state, a.usage.iterations])).toEqual([
      [1, 'succeeded', 2],
      [2, 'queued', 0],
    ]);
    expect(again.agentCounts('r1')).toEqual({ total: 2, succeeded: 1, failed: 0 });
    expect(again.latestUnfinished('/repo')?.id).toBe('r1');
    again.finishRun('r1', { status: 'succeeded', finishedAt: 'now', summaryPath: '/s.json', cost: 0.5 });
    expect(again.latestUnfinished()).toBeUndefined();
    again.close();
  });

  it('lists the newest runs first and finds unfinished ones per repository', () => {
    const { history } = open();
    history.startRun(run('r1', '/a'), [agent(1)]);
    history.startRun(run('r2', '/b'), [agent(1)]);
    expect(history.listRuns().map((r) => r.id)).toEqual(['r2', 'r1']);
    expect(history.latestUnfinished('/a')?.id).toBe('r1');
    expect(history.latestUnfinished()?.id).toBe('r2');
    history.close();
  });

  it('writes a run and its agents all or nothing', () => {
    const { history } = open();
    expect(() => history.startRun(run('r1'), [agent(1), agent(1)])).toThrow();
    expect(history.getRun('r1')).toBeUndefined();
    history.close();
  });
});
