import fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { AgentState, Usage } from '../agents/types.js';
import { UserError } from '../errors.js';
import type { DecisionRecord, Judgement } from '../logs/types.js';
import type { AgentTask } from '../plan/types.js';
import { isRunning, sameProcess, thisProcess, type ProcessIdentity } from './processIdentity.js';

/** A run as the history keeps it. `status` is `running` until the summary is written. */
export interface RunRecord {
  id: string;
  repo: string;
  baseCommit: string;
  /** The branch checked out when the run started (a pull request's base); undefined on a detached HEAD, and for runs recorded before it was kept. */
  baseBranch: string | undefined;
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
  /** The process that drives (or drove) the run: while it runs, no other may resume, clean or merge it. */
  owner: ProcessIdentity | undefined;
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
  /**
   * With several attempts at its task (--agents-per-task): whether this one won its task (what
   * `merge` takes); undefined with one attempt, or before its task was judged.
   */
  winner?: boolean | undefined;
  /** On the winner: how and why it was chosen. */
  judgement?: Judgement | undefined;
  /** The supervisor's decisions for this agent so far, oldest first. */
  decisions?: DecisionRecord[] | undefined;
}

/** A pull request opened for one of a run's branches (`pr`, `p` on the summary). */
export interface PullRequestRecord {
  branch: string;
  url: string;
  number: number;
}

/**
 * The schema, one step per version (`PRAGMA user_version`): a database is brought up to date step
 * by step when it is opened. Step 1 is the schema before versions were kept (such a database has
 * user_version 0 and these tables already), so it only creates what is missing.
 */
const MIGRATIONS: readonly string[] = [
  `
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
);`,
  // The process that drives the run (its start, run.ts, or a `resume`): the live-run lock.
  `
ALTER TABLE runs ADD COLUMN owner_pid INTEGER;
ALTER TABLE runs ADD COLUMN owner_start TEXT;`,
  // Best of n: the winner among a task's attempts (1, the others 0; NULL with one attempt) and why.
  `
ALTER TABLE agents ADD COLUMN winner INTEGER;
ALTER TABLE agents ADD COLUMN judgement_json TEXT;`,
  // The branch a run started from (the base of its pull requests), and the pull requests opened.
  `
ALTER TABLE runs ADD COLUMN base_branch TEXT;
CREATE TABLE IF NOT EXISTS pull_requests (
  run_id TEXT NOT NULL REFERENCES runs(id),
  branch TEXT NOT NULL,
  url TEXT NOT NULL,
  number INTEGER NOT NULL,
  opened_at TEXT NOT NULL,
  PRIMARY KEY (run_id, branch)
);`,
  // The supervisor's decisions per agent: a summary rewritten after resume or a follow-up keeps them.
  `
ALTER TABLE agents ADD COLUMN decisions_json TEXT;`,
];

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

type Row = Record<string, string | number | null>;
const text = (value: string | number | null | undefined): string | undefined =>
  value === null || value === undefined ? undefined : String(value);
const int = (value: string | number | null | undefined): number | undefined =>
  value === null || value === undefined ? undefined : Number(value);

const toRun = (row: Row): RunRecord => ({
  id: String(row.id),
  repo: String(row.repo),
  baseCommit: String(row.base_commit),
  baseBranch: text(row.base_branch),
  change: String(row.change),
  prd: String(row.prd),
  prdPath: text(row.prd_path),
  status: String(row.status) as RunRecord['status'],
  startedAt: String(row.started_at),
  finishedAt: text(row.finished_at),
  settingsJson: String(row.settings_json),
  summaryPath: text(row.summary_path),
  cost: Number(row.cost),
  owner:
    row.owner_pid === null || row.owner_pid === undefined ? undefined : { pid: Number(row.owner_pid), startTime: text(row.owner_start) },
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
  winner: row.winner === null || row.winner === undefined ? undefined : Number(row.winner) === 1,
  judgement:
    row.judgement_json === null || row.judgement_json === undefined ? undefined : (JSON.parse(String(row.judgement_json)) as Judgement),
  decisions:
    row.decisions_json === null || row.decisions_json === undefined
      ? undefined
      : (JSON.parse(String(row.decisions_json)) as DecisionRecord[]),
});

/** The one line for a run that another process still drives (resume, merge and clean refuse it). */
export const liveRunError = (runId: string, owner: ProcessIdentity): UserError =>
  new UserError(`run ${runId} is still running (process ${owner.pid} drives it): wait for it to end, or end it first (kill ${owner.pid})`);

/** SQLite's primary result codes for a file that is not a database, or a damaged one. */
const SQLITE_CORRUPT = 11;
const SQLITE_NOTADB = 26;

const isCorruption = (error: unknown): boolean => {
  const code = (error as { errcode?: unknown }).errcode;
  return typeof code === 'number' && [SQLITE_CORRUPT, SQLITE_NOTADB].includes(code & 0xff);
};

class CorruptHistory extends Error {}

/** `20260102-030405`, for the name of a corrupt history moved aside. */
const stamp = (now: Date): string => now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);

/**
 * The data folder holds chat histories, task files and worktrees: only its owner may read it.
 * One made here is made 0700; an existing one owned by this user loses group and other access,
 * unless it is a shared folder (sticky bit, like /tmp), which is not the app's to change.
 */
const makePrivateFolder = (dir: string): void => {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stat = fs.statSync(dir);
  const mine = typeof process.getuid !== 'function' || stat.uid === process.getuid();
  if (mine && (stat.mode & 0o077) !== 0 && (stat.mode & 0o1000) === 0) fs.chmodSync(dir, stat.mode & 0o700);
};

export interface HistoryOptions {
  /** One-line notices (a corrupt database moved aside). */
  warn?(message: string): void;
}

/**
 * Every run and agent, in SQLite (`node:sqlite`, no native build) in the data folder:
 * what `runs`, `show`, `resume`, `merge` and `clean` read. Each change is written as it happens.
 * A database that is not one, or is damaged, is moved aside (`runs.db.corrupt-<time>`) with a
 * warning and a new one is started: the history is a record, never a reason a run cannot start.
 */
export class RunHistory {
  private readonly db: DatabaseSync;

  constructor(
    readonly file: string,
    options: HistoryOptions = {},
  ) {
    try {
      makePrivateFolder(path.dirname(file));
    } catch (error) {
      throw new UserError(
        `cannot make the data folder ${path.dirname(file)} (${(error as Error).message}): fix the path, or set AIDER_ORCHESTRATOR_DATA_DIR to a folder that can be written`,
      );
    }
    const before = fs.statSync(file, { throwIfNoEntry: false });
    try {
      this.db = this.open();
    } catch (error) {
      if (!(error instanceof CorruptHistory)) throw error;
      const aside = this.moveAside(before);
      options.warn?.(
        `the run history ${file} is damaged (${error.message}): ${aside ? `moved it to ${aside} and started` : 'another process moved it aside; using'} a new one`,
      );
      this.db = this.open();
    }
  }

  static inDataDir(dataDir: string, options: HistoryOptions = {}): RunHistory {
    return new RunHistory(path.join(dataDir, 'runs.db'), options);
  }

  /** Opens the database, checks it and brings its schema up to date. */
  private open(): DatabaseSync {
    let db: DatabaseSync | undefined;
    try {
      db = new DatabaseSync(this.file);
      // Chat histories and task texts are the user's: the file (and so its -wal and -shm) is private.
      fs.chmodSync(this.file, 0o600);
      // Several runs (processes) may write at once: wait for the lock instead of failing.
      db.exec('PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL;');
      const check = db.prepare('PRAGMA quick_check').all() as Row[];
      const verdict = check.map((row) => String(Object.values(row)[0])).join('; ');
      if (verdict !== 'ok') throw new CorruptHistory(verdict);
      migrate(db, this.file);
      return db;
    } catch (error) {
      db?.close();
      if (error instanceof CorruptHistory || error instanceof UserError) throw error;
      if (isCorruption(error)) throw new CorruptHistory((error as Error).message);
      throw new UserError(
        `cannot open the run history ${this.file} (${(error as Error).message}): free space in the data folder, or set AIDER_ORCHESTRATOR_DATA_DIR to one that can be written`,
      );
    }
  }

  /**
   * Moves the damaged file (with its -wal and -shm) to `runs.db.corrupt-<time>`; undefined when
   * another process has replaced it meanwhile (that one moved it aside and started a new one).
   */
  private moveAside(opened: fs.Stats | undefined): string | undefined {
    const now = fs.statSync(this.file, { throwIfNoEntry: false });
    if (!now || (opened && now.ino !== opened.ino)) return undefined;
    let aside = `${this.file}.corrupt-${stamp(new Date())}`;
    for (let n = 2; fs.existsSync(aside); n += 1) aside = `${this.file}.corrupt-${stamp(new Date())}-${n}`;
    for (const suffix of ['', '-wal', '-shm']) {
      try {
        fs.renameSync(`${this.file}${suffix}`, `${aside}${suffix}`);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
          throw new UserError(
            `the run history ${this.file} is damaged and cannot be moved aside (${(error as Error).message}): move or delete it by hand`,
          );
        }
      }
    }
    return aside;
  }

  /**
   * The run and its agents, in one transaction (a crash leaves all or nothing). `owner` is the
   * process that drives the run (this one, unless a test says otherwise).
   */
  startRun(
    run: Omit<RunRecord, 'status' | 'finishedAt' | 'summaryPath' | 'cost' | 'owner' | 'baseBranch'> & { baseBranch?: string | undefined },
    agents: readonly Omit<AgentRecord, 'runId'>[],
    owner: ProcessIdentity = thisProcess(),
  ): void {
    this.transaction(() => {
      this.db
        .prepare(
          'INSERT INTO runs (id, repo, base_commit, base_branch, change, prd, prd_path, status, started_at, settings_json, owner_pid, owner_start) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(
          run.id,
          run.repo,
          run.baseCommit,
          run.baseBranch ?? null,
          run.change,
          run.prd,
          run.prdPath ?? null,
          'running',
          run.startedAt,
          run.settingsJson,
          owner.pid,
          owner.startTime ?? null,
        );
      const insert = this.db.prepare(
        'INSERT INTO agents (run_id, id, task_json, branch, worktree, run_dir, state, reason, usage_json, started_at, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      );
      for (const agent of agents) {
        insert.run(
          run.id,
          agent.task.agent,
          JSON.stringify(agent.task),
          agent.branch,
          agent.worktree,
          agent.runDir,
          agent.state,
          agent.reason ?? null,
          JSON.stringify(agent.usage),
          agent.startedAt ?? null,
          agent.finishedAt ?? null,
        );
      }
    });
  }

  /**
   * Makes `claimant` the run's owner, unless another process that still runs owns it: then that
   * owner is returned and nothing changes. One transaction, so two claims at once cannot both win.
   */
  claimRun(runId: string, claimant: ProcessIdentity = thisProcess()): ProcessIdentity | undefined {
    let live: ProcessIdentity | undefined;
    this.transaction(() => {
      const owner = this.getRun(runId)?.owner;
      if (owner && !sameProcess(owner, claimant) && isRunning(owner)) {
        live = owner;
        return;
      }
      this.db.prepare('UPDATE runs SET owner_pid = ?, owner_start = ? WHERE id = ?').run(claimant.pid, claimant.startTime ?? null, runId);
    });
    return live;
  }

  updateAgent(runId: string, agent: number, change: Pick<AgentRecord, 'state' | 'reason' | 'usage' | 'startedAt' | 'finishedAt'>): void {
    this.db
      .prepare('UPDATE agents SET state = ?, reason = ?, usage_json = ?, started_at = ?, finished_at = ? WHERE run_id = ? AND id = ?')
      .run(
        change.state,
        change.reason ?? null,
        JSON.stringify(change.usage),
        change.startedAt ?? null,
        change.finishedAt ?? null,
        runId,
        agent,
      );
  }

  /**
   * A task's verdict (best of n): `winner` among `attempts` (none: no attempt won), with its
   * judgement on the winner's row. One transaction.
   */
  /** The agent's supervisor decisions so far (masked by the caller, as everything the history keeps). */
  setDecisions(runId: string, agent: number, decisions: readonly DecisionRecord[]): void {
    this.db.prepare('UPDATE agents SET decisions_json = ? WHERE run_id = ? AND id = ?').run(JSON.stringify(decisions), runId, agent);
  }

  setWinner(runId: string, attempts: readonly number[], winner: number | undefined, judgement: Judgement | undefined): void {
    const update = this.db.prepare('UPDATE agents SET winner = ?, judgement_json = ? WHERE run_id = ? AND id = ?');
    this.transaction(() => {
      for (const agent of attempts) {
        const won = agent === winner;
        update.run(won ? 1 : 0, won && judgement ? JSON.stringify(judgement) : null, runId, agent);
      }
    });
  }

  /** `summaryPath` undefined: the summary file could not be written (the history still has the run). */
  finishRun(
    runId: string,
    result: { status: RunRecord['status']; finishedAt: string; summaryPath: string | undefined; cost: number },
  ): void {
    this.db
      .prepare('UPDATE runs SET status = ?, finished_at = ?, summary_path = ?, cost = ? WHERE id = ?')
      .run(result.status, result.finishedAt, result.summaryPath ?? null, result.cost, runId);
  }

  /** Records (or, for a branch that had one, replaces) the pull request of one of the run's branches. */
  recordPullRequest(runId: string, pullRequest: PullRequestRecord, openedAt: Date = new Date()): void {
    this.db
      .prepare('INSERT OR REPLACE INTO pull_requests (run_id, branch, url, number, opened_at) VALUES (?, ?, ?, ?, ?)')
      .run(runId, pullRequest.branch, pullRequest.url, pullRequest.number, openedAt.toISOString());
  }

  /** The run's pull requests, in the order they were opened. */
  pullRequestsOf(runId: string): PullRequestRecord[] {
    return (
      this.db.prepare('SELECT branch, url, number FROM pull_requests WHERE run_id = ? ORDER BY opened_at, branch').all(runId) as Row[]
    ).map((row) => ({ branch: String(row.branch), url: String(row.url), number: Number(row.number) }));
  }

  /** A finished run works again (a follow-up, a restart after its summary): `running` until finishRun. */
  reopenRun(runId: string): void {
    this.db.prepare("UPDATE runs SET status = 'running', finished_at = NULL WHERE id = ?").run(runId);
  }

  /** Newest first. */
  listRuns(limit = 50): RunRecord[] {
    return (this.db.prepare('SELECT * FROM runs ORDER BY started_at DESC, id DESC LIMIT ?').all(limit) as Row[]).map(toRun);
  }

  getRun(runId: string): RunRecord | undefined {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(runId) as Row | undefined;
    return row ? toRun(row) : undefined;
  }

  /** The newest run of a repository, finished or not. */
  latestRun(repo: string): RunRecord | undefined {
    const row = this.db.prepare('SELECT * FROM runs WHERE repo = ? ORDER BY started_at DESC, id DESC LIMIT 1').get(repo) as Row | undefined;
    return row ? toRun(row) : undefined;
  }

  /**
   * The newest run that never finished (the app was killed), optionally of one repository:
   * one whose process has ended if there is one, else the newest (whose owner then refuses it).
   */
  latestUnfinished(repo?: string): RunRecord | undefined {
    const runs = (
      repo
        ? this.db.prepare("SELECT * FROM runs WHERE status = 'running' AND repo = ? ORDER BY started_at DESC, id DESC").all(repo)
        : this.db.prepare("SELECT * FROM runs WHERE status = 'running' ORDER BY started_at DESC, id DESC").all()
    ).map((row) => toRun(row as Row));
    return runs.find((run) => !run.owner || !isRunning(run.owner)) ?? runs[0];
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
    transaction(this.db, work);
  }

  close(): void {
    this.db.close();
  }
}

const transaction = (db: DatabaseSync, work: () => void): void => {
  db.exec('BEGIN IMMEDIATE');
  try {
    work();
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
};

const userVersion = (db: DatabaseSync): number => Number((db.prepare('PRAGMA user_version').get() as Row).user_version);

/** Brings the schema up to `SCHEMA_VERSION`, in one transaction (a second process waits, then finds it done). */
const migrate = (db: DatabaseSync, file: string): void => {
  const refuseNewer = (version: number) => {
    if (version > SCHEMA_VERSION) {
      throw new UserError(
        `the run history ${file} was written by a newer aider-orchestrator (schema ${version}, this one knows ${SCHEMA_VERSION}): upgrade aider-orchestrator, or set AIDER_ORCHESTRATOR_DATA_DIR to another folder`,
      );
    }
  };
  refuseNewer(userVersion(db));
  if (userVersion(db) === SCHEMA_VERSION) return;
  transaction(db, () => {
    const version = userVersion(db);
    refuseNewer(version);
    for (const step of MIGRATIONS.slice(version)) db.exec(step);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
  });
};
