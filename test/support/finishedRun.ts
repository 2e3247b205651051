import fs from 'node:fs';
import path from 'node:path';
import { emptyUsage, type AgentState } from '../../src/agents/types.js';
import { commitsSince, filesChanged } from '../../src/git/commits.js';
import { headCommit } from '../../src/git/repo.js';
import { agentBranchName, createWorktree } from '../../src/git/worktrees.js';
import { newRunId } from '../../src/orchestrator/runId.js';
import { buildSummary, summaryPath, writeSummary } from '../../src/logs/summary.js';
import { Redactor } from '../../src/logs/redact.js';
import type { AgentSummary } from '../../src/logs/types.js';
import { RunHistory } from '../../src/orchestrator/history.js';
import type { TempRepo } from './gitRepo.js';

export interface FinishedAgent {
  state: AgentState;
  /** Commits a change to this file on the agent's branch. */
  edit?: string;
}

/** A process that has ended: the run's owner no longer drives it, so commands may take it over. */
const ENDED_OWNER = { pid: process.pid, startTime: 'a process that has ended' };

/**
 * A run as the app leaves it when it has finished (run.ts): the agents' real worktrees and
 * branches (with a commit each where `edit` says), the run and its agents in the real history with
 * the branch it started from, and its summary file. Without aider: the tests that use it are about
 * what happens after a run.
 */
export const recordFinishedRun = async (options: {
  repo: TempRepo;
  dataDir: string;
  agents: FinishedAgent[];
  settings?: Record<string, unknown>;
  baseBranch?: string | undefined;
}) => {
  const { repo, dataDir } = options;
  const baseBranch = 'baseBranch' in options ? options.baseBranch : 'main';
  const id = newRunId();
  const base = await headCommit(repo.dir);
  const startedAt = new Date();
  const records = [];
  const summaries: AgentSummary[] = [];
  for (const [index, agent] of options.agents.entries()) {
    const n = index + 1;
    const worktree = path.join(dataDir, 'worktrees', id, `agent-${n}`);
    const branch = agentBranchName(id, n);
    await createWorktree({ root: repo.dir, path: worktree, branch, base });
    if (agent.edit) {
      fs.writeFileSync(path.join(worktree, agent.edit), `# changed by agent ${n}\n`);
      await repo.git('-C', worktree, 'add', '-A');
      await repo.git('-C', worktree, 'commit', '-qm', `feat: agent ${n} changes ${agent.edit}`);
    }
    const task = {
      agent: n,
      title: `Task ${n}: ${agent.edit ?? 'nothing'}`,
      description: `Change ${agent.edit ?? 'nothing'}.`,
      files: [agent.edit ?? 'a.py'],
      attempt: 1,
    };
    records.push({
      task,
      branch,
      worktree,
      runDir: path.join(dataDir, 'runs', id, `agent-${n}`),
      state: agent.state,
      reason: agent.state === 'failed' ? 'the check still fails' : undefined,
      usage: emptyUsage(),
      startedAt: startedAt.getTime(),
      finishedAt: startedAt.getTime(),
    });
    summaries.push({
      id: n,
      branch,
      worktree,
      task: `${task.title}\n\n${task.description}`,
      files: task.files,
      status: agent.state,
      reason: undefined,
      exitCode: 0,
      iterations: 1,
      tokens: { prompt: 0, completion: 0, total: 0 },
      cost: 0,
      durationMs: 0,
      commits: await commitsSince(worktree, base),
      filesChanged: await filesChanged(worktree, base),
      log: path.join(repo.dir, '.aider_logs', `agent${n}.jsonl`),
    });
  }
  const settings = { dataDir, logDir: '.aider_logs', agentModel: 'gpt-4o', prdModel: 'gemini-2.5-flash', ...options.settings };
  const logDir = path.join(repo.dir, '.aider_logs');
  const summary = buildSummary({
    runId: id,
    change: 'Change a and b',
    repo: repo.dir,
    baseCommit: base,
    baseBranch,
    prdPath: undefined,
    startedAt,
    finishedAt: new Date(),
    agents: summaries,
    logDir,
    summaryPath: summaryPath(logDir, id),
  });
  writeSummary(summary, new Redactor([]));
  const history = RunHistory.inDataDir(dataDir);
  history.startRun(
    {
      id,
      repo: repo.dir,
      baseCommit: base,
      baseBranch,
      change: 'Change a and b',
      prd: '# PRD: change a and b\n\n## Summary\n\nAgents change a.py and b.py.',
      prdPath: undefined,
      startedAt: startedAt.toISOString(),
      settingsJson: JSON.stringify(settings),
    },
    records,
    ENDED_OWNER,
  );
  history.finishRun(id, { status: summary.status, finishedAt: summary.finishedAt, summaryPath: summary.summaryPath, cost: 0 });
  history.close();
  return { id, base, agents: records, summaryPath: summary.summaryPath! };
};

/** A bare repository in `dir`, added to `repo` as the remote `name`. */
export const addBareRemote = async (repo: TempRepo, dir: string, name = 'origin'): Promise<string> => {
  const bare = path.join(dir, 'remote.git');
  await repo.git('init', '-q', '--bare', bare);
  await repo.git('remote', 'add', name, bare);
  await repo.git('push', '-q', name, 'main');
  return bare;
};
