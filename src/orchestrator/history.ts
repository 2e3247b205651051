import fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { AgentState, Usage } from '../agents/types.js';
import type { AgentTask } from '../plan/types.js';

/** A run as the history keeps it. `status` is `running` until the summary is written. */
export interface RunRecord {
  id: string;
  repo: string;
  baseCommit: string;
  change: string;
  prd: string;
  prdPath: string | undefined;
  status: 'running' | 'succeeded' | 'failed' | 'stopped';
  startedAt: string;
  finishedAt: string | undefined;
  /** The settings the run used (JSON; no keys: those never leave the environment). */
  settingsJson: string;
  summaryPath: string | undefined;
  cost: number;
}

export interface AgentRecord {
  runId: string;
  task: AgentTask;
  branch: string;
  worktree: string;
  runDir: string;
  state: AgentState;
  reason: string | undefined;
  usage: Usage;
  startedAt: number | undefined;
  finishedAt: number | undefined;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS runs (
  id TEXT PRIMARY KEY,
  repo TEXT NOT NULL,
  base_commit TEXT NOT NULL,
  change TEXT NOT NULL,
  prd TEXT NOT NULL,
  prd_path TEXT,
  status TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  settings_json TEXT NOT NULL,
  summary_path TEXT,
  cost REAL NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS agents (
  run_id TEXT NOT NULL REFERENCES runs(id),
  id INTEGER NOT NULL,
  task_json TEXT NOT NULL,
  branch TEXT NOT NULL,
  worktree TEXT NOT NULL,
  run_dir TEXT NOT NULL,
  state TEXT NOT NULL,
  reason TEXT,
  usage_json TEXT NOT NULL,
  started_at INTEGER,
  finished_at INTEGER,
  PRIMARY KEY (run_id, id)
);
`;

type Row = Record<string, string | number | null>;
const text = (value: string | number | null | undefined): string | undefined => (value === null || value === undefined ? undefined : String(value));
const int = (value: string | number | null | undefined): number | undefined => (value === null || value === undefined ? undefined : Number(value));

const toRun = (row: Row): RunRecord => ({
  id: String(row.id),
  repo: String(row.repo),
  baseCommit: String(row.base_commit),
  change: String(row.change),
  prd: String(row.prd),
  prdPath: text(row.prd_path),
  status: String(row.status) as RunRecord['status'],
  startedAt: String(row.started_at),
  finishedAt: text(row.finished_at),
  settingsJson: String(row.settings_json),
  summaryPath: text(row.summary_path),
  cost: Number(row.cost),
});

const toAgent = (row: Row): AgentRecord => ({
  runId: String(row.run_id),
  task: JSON.parse(String(row.task_json)) as AgentTask,
  branch: String(row.branch),
  worktree: String(row.worktree),
  runDir: String(row.run_dir),
  state: String(row.state) as AgentState,
  reason: text(row.reason),
  usage: JSON.parse(String(row.usage_json)) as Usage,
  startedAt: int(row.started_at),
  finishedAt: int(row.finished_at),
});

/**
 * Every run and agent, in SQLite (`node:sqlite`, no native build) in the data folder:
 * what `runs`, `show` and `resume` read. Each change is written as it happens.
 */
export class RunHistory {
  private readonly db: DatabaseSync;

  constructor(readonly file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.db = new DatabaseSync(file);
    // Several runs (processes) may write at once: wait for the lock instead of failing.
    this.db.exec('PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000;');
    this.db.exec(SCHEMA);
  }

  static inDataDir(dataDir: string): RunHistory {
    return new RunHistory(path.join(dataDir, 'runs.db'));
  }

  /** The run and its agents, in one transaction (a crash leaves all or nothing). */
  startRun(run: Omit<RunRecord, 'status' | 'finishedAt' | 'summaryPath' | 'cost'>, agents: readonly Omit<AgentRecord, 'runId'>[]): void {
    this.transaction(() => {
      this.db
        .prepare('INSERT INTO runs (id, repo, base_commit, change, prd, prd_path, status, started_at, settings_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(run.id, run.repo, run.baseCommit, run.change, run.prd, run.prdPath ?? null, 'running', run.startedAt, run.settingsJson);
      const insert = this.db.prepare(
        'INSERT INTO agents (run_id, id, task_json, branch, worktree, run_dir, state, reason, usage_json, started_at, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      );
      for (const agent of agents) {
        insert.run(run.id, agent.task.agent, JSON.stringify(agent.task), agent.branch, agent.worktree, agent.runDir, agent.state, agent.reason ?? null, JSON.stringify(agent.usage), agent.startedAt ?? null, agent.finishedAt ?? null);
      }
    });
  }

  updateAgent(runId: string, agent: number, change: Pick<AgentRecord, 'state' | 'reason' | 'usage' | 'startedAt' | 'finishedAt'>): void {
    this.db
      .prepare('UPDATE agents SET state = ?, reason = ?, usage_json = ?, started_at = ?, finished_at = ? WHERE run_id = ? AND id = ?')
      .run(change.state, change.reason ?? null, JSON.stringify(change.usage), change.startedAt ?? null, change.finishedAt ?? null, runId, agent);
  }

  finishRun(runId: string, result: { status: RunRecord['status']; finishedAt: string; summaryPath: string; cost: number }): void {
    this.db.prepare('UPDATE runs SET status = ?, finished_at = ?, summary_path = ?, cost = ? WHERE id = ?').run(result.status, result.finishedAt, result.summaryPath, result.cost, runId);
  }

  /** Newest first. */
  listRuns(limit = 50): RunRecord[] {
    return (this.db.prepare('SELECT * FROM runs ORDER BY started_at DESC, id DESC LIMIT ?').all(limit) as Row[]).map(toRun);
  }

  getRun(runId: string): RunRecord | undefined {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(runId) as Row | undefined;
    return row ? toRun(row) : undefined;
  }

  /** The newest run that never finished (the app was killed), optionally of one repository. */
  latestUnfinished(repo?: string): RunRecord | undefined {
    const row = (
      repo
        ? this.db.prepare("SELECT * FROM runs WHERE status = 'running' AND repo = ? ORDER BY started_at DESC, id DESC LIMIT 1").get(repo)
        : this.db.prepare("SELECT * FROM runs WHERE status = 'running' ORDER BY started_at DESC, id DESC LIMIT 1").get()
    ) as Row | undefined;
    return row ? toRun(row) : undefined;
  }

  agentsOf(runId: string): AgentRecord[] {
    return (this.db.prepare('SELECT * FROM agents WHERE run_id = ? ORDER BY id').all(runId) as Row[]).map(toAgent);
  }

  /** Per run: agents that succeeded / failed (for `runs`). */
  agentCounts(runId: string): { total: number; succeeded: number; failed: number } {
    const rows = this.db.prepare('SELECT state, COUNT(*) AS n FROM agents WHERE run_id = ? GROUP BY state').all(runId) as Row[];
    const count = (state: string) => Number(rows.find((row) => row.state === state)?.n ?? 0);
    return { total: rows.reduce((sum, row) => sum + Number(row.n), 0), succeeded: count('succeeded'), failed: count('failed') };
  }

  private transaction(work: () => void): void {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      work();
      this.db.exec('COMMIT');
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }

  close(): void {
    this.db.close();
  }
}
