import { execa } from 'execa';
import fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it, onTestFinished } from 'vitest';
import { emptyUsage } from '../../../src/agents/types.js';
import { RunHistory, SCHEMA_VERSION } from '../../../src/orchestrator/history.js';
import { processStartTime, thisProcess } from '../../../src/orchestrator/processIdentity.js';
import { makeTempDir } from '../../support/gitRepo.js';

const temp = () => {
  const dir = makeTempDir('ao-history-');
  onTestFinished(dir.cleanup);
  return dir.dir;
};

const open = () => {
  const dir = temp();
  return { dir, history: RunHistory.inDataDir(dir) };
};

const task = (agent: number) => ({ agent, title: `Task ${agent}`, description: 'd', files: [`f${agent}.ts`], attempt: 1 });
const run = (id: string, repo = '/repo') => ({
  id,
  repo,
  baseCommit: 'abc',
  change: `change ${id}`,
  prd: '# PRD',
  prdPath: undefined,
  startedAt: `2026-01-0${id.slice(-1)}T00:00:00Z`,
  settingsJson: '{}',
});
const agent = (n: number) => ({
  task: task(n),
  branch: `b${n}`,
  worktree: `/wt/${n}`,
  runDir: `/runs/${n}`,
  state: 'queued' as const,
  reason: undefined,
  usage: emptyUsage(),
  startedAt: undefined,
  finishedAt: undefined,
});

/** A real process that runs until the test ends it (or teardown does). */
const startProcess = async () => {
  const child = execa('sleep', ['600'], { reject: false });
  const pid = child.pid!;
  onTestFinished(async () => {
    child.kill('SIGKILL');
    await child;
  });
  const identity = { pid, startTime: processStartTime(pid) };
  expect(identity.startTime).toBeDefined();
  return {
    identity,
    end: async () => {
      child.kill('SIGKILL');
      await child;
    },
  };
};

/** The schema as it was before versions were kept (user_version 0): what existing data folders hold. */
const SCHEMA_BEFORE_VERSIONS = `
CREATE TABLE IF NOT EXISTS runs (
  id TEXT PRIMARY KEY, repo TEXT NOT NULL, base_commit TEXT NOT NULL, change TEXT NOT NULL, prd TEXT NOT NULL, prd_path TEXT,
  status TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT, settings_json TEXT NOT NULL, summary_path TEXT, cost REAL NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS agents (
  run_id TEXT NOT NULL REFERENCES runs(id), id INTEGER NOT NULL, task_json TEXT NOT NULL, branch TEXT NOT NULL, worktree TEXT NOT NULL,
  run_dir TEXT NOT NULL, state TEXT NOT NULL, reason TEXT, usage_json TEXT NOT NULL, started_at INTEGER, finished_at INTEGER,
  PRIMARY KEY (run_id, id)
);`;

describe('run history (SQLite)', () => {
  it('records runs and agents as they change, and survives reopening', () => {
    const { dir, history } = open();
    history.startRun(run('r1'), [agent(1), agent(2)]);
    history.updateAgent('r1', 1, {
      state: 'succeeded',
      reason: undefined,
      usage: { iterations: 2, tokens: { prompt: 10, completion: 5, total: 15 }, cost: 0.5 },
      startedAt: 1,
      finishedAt: 2,
    });
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
    // A follow-up makes it work again: a kill now leaves it resumable.
    again.reopenRun('r1');
    expect(again.getRun('r1')).toMatchObject({ status: 'running', finishedAt: undefined, summaryPath: '/s.json' });
    expect(again.latestUnfinished('/repo')?.id).toBe('r1');
    again.close();
  });

  it('lists the newest runs first and finds unfinished ones per repository', () => {
    const { history } = open();
    history.startRun(run('r1', '/a'), [agent(1)]);
    history.startRun(run('r2', '/b'), [agent(1)]);
    expect(history.listRuns().map((r) => r.id)).toEqual(['r2', 'r1']);
    expect(history.latestUnfinished('/a')?.id).toBe('r1');
    expect(history.latestUnfinished()?.id).toBe('r2');
    expect(history.latestRun('/a')?.id).toBe('r1');
    history.close();
  });

  it('writes a run and its agents all or nothing', () => {
    const { history } = open();
    expect(() => history.startRun(run('r1'), [agent(1), agent(1)])).toThrow();
    expect(history.getRun('r1')).toBeUndefined();
    history.close();
  });

  it('keeps the database private: the file 0600, a data folder it makes 0700', () => {
    const parent = temp();
    const dataDir = path.join(parent, 'made', 'data');
    const history = RunHistory.inDataDir(dataDir);
    history.close();
    expect(fs.statSync(path.join(dataDir, 'runs.db')).mode & 0o777).toBe(0o600);
    expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
  });

  it('takes group and other access from an existing data folder, but leaves a shared sticky one (like /tmp) alone', () => {
    const open = temp();
    fs.chmodSync(open, 0o755);
    RunHistory.inDataDir(open).close();
    expect(fs.statSync(open).mode & 0o7777).toBe(0o700);
    const shared = temp();
    fs.chmodSync(shared, 0o1777);
    RunHistory.inDataDir(shared).close();
    expect(fs.statSync(shared).mode & 0o7777).toBe(0o1777);
  });
});

describe('schema versions', () => {
  it('keeps each task’s winner (best of n) and its judgement, and a migrated database takes them too', () => {
    const { dir, history } = open();
    history.startRun(run('r1'), [agent(1), agent(2), agent(3)]);
    expect(history.agentsOf('r1').map((a) => a.winner)).toEqual([undefined, undefined, undefined]);
    const judgement = { by: 'model' as const, reason: 'cleaner', time: '2026-01-01T00:00:00Z' };
    history.setWinner('r1', [1, 2], 1, judgement);
    history.setWinner('r1', [1, 2], 2, { ...judgement, by: 'user', reason: 'picked on the summary screen' });
    history.close();
    const again = new RunHistory(path.join(dir, 'runs.db'));
    const agents = again.agentsOf('r1');
    expect(agents.map((a) => [a.task.agent, a.winner, a.judgement?.by])).toEqual([
      [1, false, undefined],
      [2, true, 'user'],
      [3, undefined, undefined],
    ]);
    again.close();
  });

  it('migrates a database written by the schema before versions were kept, keeping its runs', () => {
    const dir = temp();
    const file = path.join(dir, 'runs.db');
    const old = new DatabaseSync(file);
    old.exec(SCHEMA_BEFORE_VERSIONS);
    old
      .prepare(
        "INSERT INTO runs (id, repo, base_commit, change, prd, status, started_at, settings_json) VALUES ('r1', '/repo', 'abc', 'c', 'p', 'running', '2026-01-01', '{}')",
      )
      .run();
    old
      .prepare(
        `INSERT INTO agents (run_id, id, task_json, branch, worktree, run_dir, state, usage_json) VALUES ('r1', 1, ?, 'b1', '/wt/1', '/runs/1', 'working', ?)`,
      )
      .run(JSON.stringify(task(1)), JSON.stringify(emptyUsage()));
    old.close();

    const history = new RunHistory(file);
    expect(history.getRun('r1')).toMatchObject({ id: 'r1', status: 'running', owner: undefined });
    expect(history.agentsOf('r1').map((a) => [a.task.agent, a.state])).toEqual([[1, 'working']]);
    // The migrated database takes the new columns: the run can be claimed (the live-run lock).
    expect(history.claimRun('r1')).toBeUndefined();
    expect(history.getRun('r1')?.owner).toEqual(thisProcess());
    // ...and the best-of-n columns.
    history.setWinner('r1', [1], 1, { by: 'outcome', reason: 'the only attempt that succeeded', time: 't' });
    expect(history.agentsOf('r1')[0]).toMatchObject({ winner: true, judgement: { by: 'outcome' } });
    history.close();

    const check = new DatabaseSync(file);
    expect((check.prepare('PRAGMA user_version').get() as { user_version: number }).user_version).toBe(SCHEMA_VERSION);
    check.close();
    // Opening again finds it up to date (no step runs twice: ALTER TABLE would fail on a second run).
    new RunHistory(file).close();
  });

  it('refuses, in one line, a database written by a newer version', () => {
    const dir = temp();
    const file = path.join(dir, 'runs.db');
    const newer = new DatabaseSync(file);
    newer.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    newer.close();
    expect(() => new RunHistory(file)).toThrow(
      new RegExp(
        `^the run history ${file} was written by a newer aider-orchestrator \\(schema ${SCHEMA_VERSION + 1}, this one knows ${SCHEMA_VERSION}\\): upgrade`,
      ),
    );
  });
});

describe('a damaged database', () => {
  const expectMovedAside = (dir: string, warnings: string[], original: Buffer) => {
    expect(warnings).toHaveLength(1);
    const aside = fs.readdirSync(dir).find((name) => /^runs\.db\.corrupt-\d{8}-\d{6}$/.test(name));
    expect(aside, fs.readdirSync(dir).join(', ')).toBeDefined();
    expect(warnings[0]).toContain(`moved it to ${path.join(dir, aside!)} and started a new one`);
    // The damaged bytes are kept, untouched, for whoever wants to look.
    expect(fs.readFileSync(path.join(dir, aside!)).equals(original)).toBe(true);
  };

  it('moves a file that is not a database aside, says so in one line, and starts a new one', () => {
    const dir = temp();
    const file = path.join(dir, 'runs.db');
    const garbage = Buffer.from('this is not a database\n'.repeat(200));
    fs.writeFileSync(file, garbage);
    const warnings: string[] = [];
    const history = RunHistory.inDataDir(dir, { warn: (message) => warnings.push(message) });
    expect(warnings[0]).toMatch(/^the run history .*runs\.db is damaged \(file is not a database\): moved it to /);
    expectMovedAside(dir, warnings, garbage);
    expect(history.listRuns()).toEqual([]);
    history.startRun(run('r1'), [agent(1)]);
    expect(history.getRun('r1')?.id).toBe('r1');
    history.close();
  });

  it('moves a database with a damaged page aside (found by its integrity check)', () => {
    const dir = temp();
    const file = path.join(dir, 'runs.db');
    const history = new RunHistory(file);
    for (let n = 1; n <= 60; n += 1) history.startRun({ ...run(`r${n}`), prd: 'x'.repeat(2000) }, [agent(1)]);
    history.close();
    // Overwrite one page in the middle of the file (SQLite pages are 4096 bytes here).
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.alloc(4096, 0x41), 0, 4096, 4096 * 3);
    fs.closeSync(fd);
    const damaged = fs.readFileSync(file);

    const warnings: string[] = [];
    const reopened = new RunHistory(file, { warn: (message) => warnings.push(message) });
    expect(warnings[0]).toMatch(/is damaged \(.*malformed.*\): moved it to/);
    expectMovedAside(dir, warnings, damaged);
    expect(reopened.listRuns()).toEqual([]);
    reopened.close();
  });

  it('says in one line when the data folder cannot hold it (a path component that is a file: ENOTDIR)', () => {
    const dir = temp();
    fs.writeFileSync(path.join(dir, 'file'), 'not a folder');
    expect(() => RunHistory.inDataDir(path.join(dir, 'file', 'data'))).toThrow(
      /^cannot make the data folder .*file\/data \(ENOTDIR: not a directory.*\): fix the path, or set AIDER_ORCHESTRATOR_DATA_DIR/,
    );
  });
});

describe('the process that drives a run (live-run lock)', () => {
  it('records the starting process as the owner; another may claim the run only once that process has ended', async () => {
    const { history } = open();
    const owner = await startProcess();
    history.startRun(run('r1'), [agent(1)], owner.identity);
    expect(history.getRun('r1')?.owner).toEqual(owner.identity);

    expect(history.claimRun('r1')).toEqual(owner.identity);
    expect(history.getRun('r1')?.owner).toEqual(owner.identity);
    // The owner itself may claim again (it is not refused by its own record).
    expect(history.claimRun('r1', owner.identity)).toBeUndefined();

    await owner.end();
    expect(history.claimRun('r1')).toBeUndefined();
    expect(history.getRun('r1')?.owner).toEqual(thisProcess());
    history.close();
  });

  it('does not take a reused pid for the run: same pid, another start time, is a dead owner', async () => {
    const { history } = open();
    const other = await startProcess();
    history.startRun(run('r1'), [agent(1)], { pid: other.identity.pid, startTime: `${other.identity.startTime}0` });
    expect(history.claimRun('r1')).toBeUndefined();
    history.close();
  });

  it('resumes by default the newest unfinished run that nobody drives', async () => {
    const { history } = open();
    const live = await startProcess();
    history.startRun(run('r1'), [agent(1)], { pid: 999_999_999, startTime: '1' });
    history.startRun(run('r2'), [agent(1)], live.identity);
    expect(history.latestUnfinished('/repo')?.id).toBe('r1');
    // With only a driven run, that one is named (and its claim is refused).
    history.finishRun('r1', { status: 'failed', finishedAt: 'now', summaryPath: undefined, cost: 0 });
    expect(history.latestUnfinished('/repo')?.id).toBe('r2');
    expect(history.claimRun('r2')).toEqual(live.identity);
    history.close();
  });
});
