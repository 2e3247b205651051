import { execa } from 'execa';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { emptyUsage, type AgentState } from '../../src/agents/types.js';
import { headCommit } from '../../src/git/repo.js';
import { agentBranchName, createWorktree } from '../../src/git/worktrees.js';
import { newRunId } from '../../src/orchestrator/runId.js';
import { RunHistory } from '../../src/orchestrator/history.js';
import { processStartTime, type ProcessIdentity } from '../../src/orchestrator/processIdentity.js';
import { aiderBin, describeWithAider } from '../support/aider.js';
import { isolatedEnv, runCli } from '../support/cli.js';
import { startGeminiServer } from '../support/geminiServer.js';
import { makeTempDir, makeTempRepo, type TempRepo } from '../support/gitRepo.js';

const setup = async () => {
  const repo = await makeTempRepo({ 'a.py': 'A = 1\n', 'b.py': 'B = 2\n' });
  const home = makeTempDir('ao-home-');
  onTestFinished(repo.cleanup);
  onTestFinished(home.cleanup);
  const dataDir = path.join(home.dir, 'data');
  return { repo, home: home.dir, dataDir, env: isolatedEnv({ home: home.dir }, { OPENAI_API_KEY: 'sk-test' }) };
};

/** A real process (a `sleep`), its identity read while it runs; `end` kills it and waits until it is gone. */
const startProcess = () => {
  const child = execa('sleep', ['600'], { reject: false });
  const end = async () => {
    child.kill('SIGKILL');
    await child;
  };
  onTestFinished(end);
  const identity: ProcessIdentity = { pid: child.pid!, startTime: processStartTime(child.pid!) };
  expect(identity.startTime).toBeDefined();
  return { identity, end };
};

interface RecordedAgent {
  state: AgentState;
  /** Commits a change to this file on the agent's branch. */
  edit?: string;
}

/**
 * A run as the app records it when its agents start (run.ts): real worktrees on real branches in the
 * data folder, the run and its agents in the real history, owned by `owner`. What happens to the
 * run after that (killed, still alive) is up to the test.
 */
const recordRun = async (options: {
  repo: TempRepo;
  dataDir: string;
  owner: ProcessIdentity;
  agents: RecordedAgent[];
  settings?: Record<string, unknown>;
}) => {
  const { repo, dataDir } = options;
  const id = newRunId();
  const base = await headCommit(repo.dir);
  const agents = [];
  for (const [index, recorded] of options.agents.entries()) {
    const n = index + 1;
    const worktree = path.join(dataDir, 'worktrees', id, `agent-${n}`);
    const branch = agentBranchName(id, n);
    await createWorktree({ root: repo.dir, path: worktree, branch, base });
    if (recorded.edit) {
      fs.writeFileSync(path.join(worktree, recorded.edit), `# changed by agent ${n}\n`);
      await repo.git('-C', worktree, 'commit', '-qam', `feat: agent ${n}`);
    }
    const task = { agent: n, title: `Task ${n}`, description: 'd', files: [recorded.edit ?? 'a.py'], attempt: 1 };
    const done = recorded.state === 'succeeded' || recorded.state === 'failed';
    agents.push({
      task,
      branch,
      worktree,
      runDir: path.join(dataDir, 'runs', id, `agent-${n}`),
      state: recorded.state,
      reason: undefined,
      usage: emptyUsage(),
      startedAt: Date.now(),
      finishedAt: done ? Date.now() : undefined,
    });
  }
  const history = RunHistory.inDataDir(dataDir);
  const settings = { dataDir, logDir: '.aider_logs', agentModel: 'gpt-4o', ...options.settings };
  history.startRun(
    {
      id,
      repo: repo.dir,
      baseCommit: base,
      change: 'Change a and b',
      prd: '# PRD',
      prdPath: undefined,
      startedAt: new Date().toISOString(),
      settingsJson: JSON.stringify(settings),
    },
    agents,
    options.owner,
  );
  history.close();
  return { id, base, agents };
};

const branchesOf = async (repo: TempRepo) => (await repo.git('branch', '--format=%(refname:short)')).split('\n').filter(Boolean).sort();
const worktreesOf = async (repo: TempRepo) =>
  (await repo.git('worktree', 'list', '--porcelain'))
    .split('\n')
    .filter((line) => line.startsWith('worktree '))
    .map((line) => line.slice(9));

/** One line on stderr, `error: ...`, and no stack trace. */
const expectOneLineError = (result: { exitCode: number | undefined; stderr: string }, pattern: RegExp) => {
  expect(result.exitCode, result.stderr).toBe(2);
  const lines = result.stderr.trim().split('\n');
  expect(lines.at(-1)).toMatch(/^error: /);
  expect(lines.at(-1)).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at |internal error/);
};

describe('a run whose process still runs (the live-run lock)', () => {
  it('is refused by resume, clean and merge, naming the process; once it has ended, merge and clean take it over', async () => {
    const { repo, dataDir, env } = await setup();
    const owner = startProcess();
    const run = await recordRun({
      repo,
      dataDir,
      owner: owner.identity,
      agents: [{ state: 'succeeded', edit: 'a.py' }, { state: 'working' }],
    });
    const refused = new RegExp(
      `^error: run ${run.id} is still running \\(process ${owner.identity.pid} drives it\\): wait for it to end, or end it first \\(kill ${owner.identity.pid}\\)$`,
    );

    expectOneLineError(await runCli(['resume', '--headless'], { cwd: repo.dir, env }), refused);
    expectOneLineError(await runCli(['clean', run.id, '--branches', '--yes'], { cwd: repo.dir, env }), refused);
    expectOneLineError(await runCli(['merge'], { cwd: repo.dir, env }), refused);
    const shown = await runCli(['show', run.id], { cwd: repo.dir, env });
    expect(shown.stdout).toContain(`run ${run.id} · running (process ${owner.identity.pid})`);
    // Nothing was touched: the run's worktrees and branches are as it left them.
    expect(await worktreesOf(repo)).toEqual([repo.dir, ...run.agents.map((agent) => agent.worktree)]);
    expect(await branchesOf(repo)).toEqual([...run.agents.map((agent) => agent.branch), 'main'].sort());

    await owner.end();
    expect((await runCli(['show', run.id], { cwd: repo.dir, env })).stdout).toContain(`run ${run.id} · unfinished (resume it with`);
    const merged = await runCli(['merge'], { cwd: repo.dir, env });
    expect(merged.exitCode, merged.stderr).toBe(0);
    expect(merged.stdout).toContain(`merged agent 1 into aider-orchestrator/${run.id}/merged`);
    const cleaned = await runCli(['clean', '--branches', '--yes'], { cwd: repo.dir, env });
    expect(cleaned.exitCode, cleaned.stderr).toBe(0);
    expect(cleaned.stdout).toContain(`removed the 2 worktrees and 2 branches of run ${run.id}`);
    expect(await worktreesOf(repo)).toEqual([repo.dir]);
    // The integration branch is the user's result: clean leaves it.
    expect(await branchesOf(repo)).toEqual([`aider-orchestrator/${run.id}/merged`, 'main']);
    expect(fs.existsSync(path.join(dataDir, 'worktrees', run.id))).toBe(false);
  });
});

describeWithAider(`resume takes over a killed run`, () => {
  // The log folder is full, simulated honestly: the summary's temp file is a symbolic link to
  // /dev/full, whose every write fails with ENOSPC.
  it('fails an agent whose worktree is gone (the run still finishes), and says once when the summary cannot be written', async () => {
    const { repo, dataDir, env } = await setup();
    const owner = startProcess();
    const bin = aiderBin();
    const run = await recordRun({
      repo,
      dataDir,
      owner: owner.identity,
      agents: [{ state: 'succeeded', edit: 'a.py' }, { state: 'working' }],
      settings: { aiderBin: bin },
    });
    await owner.end(); // killed: the run stays `running` in the history
    const gone = run.agents[1]!.worktree;
    fs.rmSync(gone, { recursive: true });
    const logDir = path.join(repo.dir, '.aider_logs');
    fs.mkdirSync(logDir);
    const summaryFile = path.join(logDir, `summary_${run.id}.json`);
    fs.symlinkSync('/dev/full', `${summaryFile}.tmp`);

    const resumed = await runCli(['resume', '--headless'], { cwd: repo.dir, env });
    expect(resumed.exitCode, resumed.stderr).toBe(1);
    expect(resumed.stderr).not.toMatch(/\n\s+at |internal error/);
    expect(resumed.stderr).toContain(
      `warning: cannot write the summary ${summaryFile} (ENOSPC: no space left on device, write); the run is in the history: aider-orchestrator show ${run.id}`,
    );
    expect(resumed.stdout).toContain(`agent 2 failed: its worktree ${gone} is gone`);
    expect(resumed.stdout).toContain('Summary: (not written)');
    expect(resumed.stdout).not.toContain(summaryFile);
    expect(fs.readdirSync(logDir).filter((name) => name.startsWith('summary_'))).toEqual([]);

    // The history has the finished run, which `show` prints without a summary file.
    const shown = await runCli(['show', run.id], { cwd: repo.dir, env });
    expect(shown.exitCode, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`run ${run.id} · failed`));
    expect(shown.stdout).toMatch(/agent 1 {2}succeeded/);
    expect(shown.stdout).toContain(`(its worktree ${gone} is gone)`);
    const again = await runCli(['resume', run.id], { cwd: repo.dir, env });
    expectOneLineError(again, /has finished \(failed\): nothing to resume/);
  }, 120_000);
});

describe('a damaged history or summary', () => {
  it('moves a damaged runs.db aside with one warning line, and runs, show and resume act on an empty history', async () => {
    const { repo, dataDir, env } = await setup();
    const db = path.join(dataDir, 'runs.db');
    const damage = () => {
      fs.mkdirSync(dataDir, { recursive: true });
      fs.writeFileSync(db, 'this is not a database\n'.repeat(100));
    };
    const warned = (stderr: string) => {
      const warning = stderr.split('\n').filter((line) => line.startsWith('warning: '));
      expect(warning).toHaveLength(1);
      expect(warning[0]).toMatch(
        new RegExp(
          `^warning: the run history ${db} is damaged \\(file is not a database\\): moved it to ${db}\\.corrupt-\\d{8}-\\d{6}(-\\d+)? and started a new one$`,
        ),
      );
    };

    damage();
    const runs = await runCli(['runs'], { cwd: repo.dir, env });
    expect(runs.exitCode, runs.stderr).toBe(0);
    warned(runs.stderr);
    expect(runs.stdout).toBe('no runs yet');

    damage();
    const shown = await runCli(['show', '20260101-000000-abcd'], { cwd: repo.dir, env });
    warned(shown.stderr);
    expectOneLineError(shown, /^error: no run 20260101-000000-abcd in the history/);

    damage();
    const resumed = await runCli(['resume'], { cwd: repo.dir, env });
    warned(resumed.stderr);
    expectOneLineError(resumed, /^error: no unfinished run to resume/);

    expect(fs.readdirSync(dataDir).filter((name) => name.startsWith('runs.db.corrupt-'))).toHaveLength(3);
  });

  it('merges, shows and cleans a run whose summary file is malformed, from the history', async () => {
    const { repo, dataDir, env } = await setup();
    const owner = startProcess();
    const run = await recordRun({
      repo,
      dataDir,
      owner: owner.identity,
      agents: [
        { state: 'succeeded', edit: 'a.py' },
        { state: 'succeeded', edit: 'b.py' },
      ],
    });
    await owner.end();
    const summaryFile = path.join(repo.dir, '.aider_logs', `summary_${run.id}.json`);
    fs.mkdirSync(path.dirname(summaryFile));
    fs.writeFileSync(summaryFile, '{"runId": "truncated');
    const history = RunHistory.inDataDir(dataDir);
    history.finishRun(run.id, { status: 'succeeded', finishedAt: new Date().toISOString(), summaryPath: summaryFile, cost: 0 });
    history.close();

    const shown = await runCli(['show', run.id], { cwd: repo.dir, env });
    expect(shown.exitCode, shown.stderr).toBe(0);
    expect(shown.stderr).toMatch(
      new RegExp(`^warning: cannot read the summary ${summaryFile} \\(.*JSON.*\\); showing the run history's record$`),
    );
    expect(shown.stdout).toMatch(/agent 2 {2}succeeded/);

    const merged = await runCli(['merge', run.id], { cwd: repo.dir, env });
    expect(merged.exitCode, merged.stderr).toBe(0);
    expect(merged.stdout).toContain(`merged agents 1, 2 into aider-orchestrator/${run.id}/merged`);
    const cleaned = await runCli(['clean', run.id, '--yes'], { cwd: repo.dir, env });
    expect(cleaned.exitCode, cleaned.stderr).toBe(0);
    expect(await worktreesOf(repo)).toEqual([repo.dir]);
  });
});

describe('clean of a summary placed in the repository', () => {
  it("deletes only the aider-orchestrator/<run>/... branches and worktrees the history recorded for the run, in the run's repository", async () => {
    const { repo, dataDir, env } = await setup();
    const owner = startProcess();
    const run = await recordRun({
      repo,
      dataDir,
      owner: owner.identity,
      agents: [{ state: 'succeeded', edit: 'a.py' }, { state: 'failed' }],
    });
    await owner.end();
    // The user's own branches and worktree, one under the run's prefix that the run never made.
    await repo.git('branch', 'release-1.0');
    await repo.git('branch', `aider-orchestrator/${run.id}/agent-9`);
    const mine = path.join(path.dirname(repo.dir), `${path.basename(repo.dir)}-mine`);
    await repo.git('worktree', 'add', '-q', '-b', 'my-work', mine);
    onTestFinished(() => fs.rmSync(mine, { recursive: true, force: true }));
    // Summaries placed in the repository (committed by anyone), naming those.
    const logDir = path.join(repo.dir, '.aider_logs');
    fs.mkdirSync(logDir);
    const placed = (runId: string) => ({
      runId,
      repo: repo.dir,
      baseCommit: run.base,
      agents: [
        { id: 1, branch: 'release-1.0', worktree: mine, status: 'succeeded', commits: [{ hash: run.base, message: 'x' }] },
        { id: 2, branch: `aider-orchestrator/${run.id}/agent-9`, worktree: mine, status: 'succeeded', commits: [] },
      ],
    });
    fs.writeFileSync(path.join(logDir, 'summary_20260101-000000-evil.json'), JSON.stringify(placed('20260101-000000-evil')));
    fs.writeFileSync(path.join(logDir, `summary_${run.id}.json`), JSON.stringify(placed(run.id)));

    const unknown = await runCli(['clean', '20260101-000000-evil', '--branches', '--yes'], { cwd: repo.dir, env });
    expectOneLineError(unknown, /^error: no run 20260101-000000-evil in the history/);

    const cleaned = await runCli(['clean', '--branches', '--yes'], { cwd: repo.dir, env });
    expect(cleaned.exitCode, cleaned.stderr).toBe(0);
    expect(cleaned.stdout).toBe(`removed the 2 worktrees and 2 branches of run ${run.id}`);
    expect(await branchesOf(repo)).toEqual([`aider-orchestrator/${run.id}/agent-9`, 'main', 'my-work', 'release-1.0']);
    expect(await worktreesOf(repo)).toEqual([repo.dir, mine]);
    expect(fs.readFileSync(path.join(mine, 'a.py'), 'utf8')).toBe('A = 1\n');
  });
});

describe('merge and clean of a run elsewhere', () => {
  it("refuse a --repo that is not the run's, and a run whose repository is gone, in one line each", async () => {
    const { repo, home, dataDir, env } = await setup();
    const owner = startProcess();
    const run = await recordRun({ repo, dataDir, owner: owner.identity, agents: [{ state: 'succeeded', edit: 'a.py' }] });
    await owner.end();
    const other = await makeTempRepo({ 'c.py': 'C = 3\n' });
    onTestFinished(other.cleanup);
    expectOneLineError(
      await runCli(['merge', run.id, '--repo', other.dir], { cwd: home, env }),
      new RegExp(`^error: run ${run.id} was made in ${repo.dir}, not in ${other.dir}: leave out --repo`),
    );

    fs.rmSync(repo.dir, { recursive: true });
    expectOneLineError(
      await runCli(['merge', run.id], { cwd: home, env }),
      new RegExp(`^error: the repository ${repo.dir} of run ${run.id} is gone: nothing to merge into$`),
    );
    expectOneLineError(
      await runCli(['clean', run.id, '--yes'], { cwd: home, env }),
      new RegExp(
        `^error: the repository ${repo.dir} of run ${run.id} is gone, and its branches with it: delete ${dataDir}/worktrees/${run.id} by hand`,
      ),
    );
  });
});

describe('clean of what it cannot remove', () => {
  it('removes the rest, names each leftover on a line, and exits 1', async () => {
    const { repo, dataDir, env } = await setup();
    const owner = startProcess();
    const run = await recordRun({
      repo,
      dataDir,
      owner: owner.identity,
      agents: [{ state: 'succeeded', edit: 'a.py' }, { state: 'succeeded' }],
    });
    await owner.end();
    // The user took agent 1's work into the main checkout: git refuses to delete a checked-out branch.
    await repo.git('worktree', 'remove', run.agents[0]!.worktree);
    await repo.git('switch', '-q', run.agents[0]!.branch);

    const cleaned = await runCli(['clean', '--branches', '--yes'], { cwd: repo.dir, env });
    expect(cleaned.exitCode, cleaned.stderr).toBe(1);
    expect(cleaned.stderr).toMatch(new RegExp(`^could not remove branch ${run.agents[0]!.branch} \\(.*checked out.*\\)$`));
    expect(cleaned.stdout).toBe(`removed the 1 worktree and 1 branch of run ${run.id}`);
    expect(await branchesOf(repo)).toEqual([run.agents[0]!.branch, 'main']);
    expect(await worktreesOf(repo)).toEqual([repo.dir]);
  });
});

describeWithAider(`a workspace that cannot be made`, () => {
  // The data folder cannot take the worktrees, simulated honestly: its `worktrees` is a file (ENOTDIR).
  it('ends the run with one line before any agent starts, leaving no branch, worktree or unfinished run', async () => {
    const { repo, dataDir, env } = await setup();
    const gemini = await startGeminiServer([{ text: '# PRD\n\nSet A to 10.\n' }]);
    onTestFinished(() => gemini.close());
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'worktrees'), 'not a folder');
    const bin = aiderBin();
    const result = await runCli(['--headless', '--yes', '--change', 'Set A', '--files', 'a.py', '--model', 'gpt-4o', '--aider-bin', bin], {
      cwd: repo.dir,
      env: { ...env, GEMINI_API_KEY: 'g', GOOGLE_GEMINI_BASE_URL: gemini.url },
    });
    expectOneLineError(
      result,
      new RegExp(
        `^error: cannot make the worktree ${dataDir}/worktrees/\\d{8}-\\d{6}-[0-9a-f]{4}/agent-1 \\(ENOTDIR: not a directory, mkdir '.*'\\): free space in the data folder`,
      ),
    );
    expect(await branchesOf(repo)).toEqual(['main']);
    expect(await worktreesOf(repo)).toEqual([repo.dir]);
    const runs = await runCli(['runs'], { cwd: repo.dir, env });
    expect(runs.stdout).toBe('no runs yet');
  }, 120_000);
});
