import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { commitsSince, filesChanged } from '../../../src/git/commits.js';
import {
  cloneFolderName,
  cloneRepo,
  committedFiles,
  dirtyFiles,
  findRepoRoot,
  headCommit,
  isTrackedByGit,
  maskUrl,
  trackedFiles,
} from '../../../src/git/repo.js';
import {
  agentBranchName,
  createWorktree,
  findRunWorktrees,
  removeAbandonedWorktrees,
  removeWorktrees,
  WorkspacePool,
} from '../../../src/git/worktrees.js';
import { newRunId } from '../../../src/orchestrator/runId.js';
import { validatePaths } from '../../../src/plan/validate.js';
import { makeTempDir, makeTempRepo, type TempRepo } from '../../support/gitRepo.js';

const repo = async (files: Record<string, string>): Promise<TempRepo> => {
  const made = await makeTempRepo(files);
  onTestFinished(made.cleanup);
  return made;
};

describe('repository checks', () => {
  it('finds the root from a subfolder', async () => {
    const r = await repo({ 'src/a.ts': 'a' });
    expect(await findRepoRoot(path.join(r.dir, 'src'))).toBe(r.dir);
  });

  it('refuses a folder that is not a git repository', async () => {
    const temp = makeTempDir();
    onTestFinished(temp.cleanup);
    await expect(findRepoRoot(temp.dir)).rejects.toThrow(/is not inside a git repository: run aider-orchestrator in one, or pass --repo/);
  });

  it('refuses a repository without commits', async () => {
    const r = await repo({ 'a.txt': 'a' });
    await r.git('update-ref', '-d', 'HEAD');
    await expect(headCommit(r.dir)).rejects.toThrow(/has no commits yet/);
  });

  it('lists tracked and dirty files', async () => {
    const r = await repo({ 'a.txt': 'a', 'dir/b.txt': 'b' });
    fs.writeFileSync(path.join(r.dir, 'a.txt'), 'changed');
    fs.writeFileSync(path.join(r.dir, 'new.txt'), 'new');
    expect(await trackedFiles(r.dir)).toEqual(['a.txt', 'dir/b.txt']);
    expect((await dirtyFiles(r.dir)).sort()).toEqual(['a.txt', 'new.txt']);
  });
});

describe('worktrees', () => {
  it('creates a branch and worktree from HEAD without touching the checkout', async () => {
    const r = await repo({ 'a.txt': 'one\n' });
    fs.writeFileSync(path.join(r.dir, 'a.txt'), 'uncommitted\n');
    const base = await headCommit(r.dir);
    const temp = makeTempDir();
    onTestFinished(temp.cleanup);
    const runId = newRunId(new Date(2026, 0, 2, 3, 4, 5));
    expect(runId).toMatch(/^20260102-030405-[0-9a-f]{4}$/);
    const branch = agentBranchName(runId, 1);
    const worktree = path.join(temp.dir, 'agent-1');
    await createWorktree({ root: r.dir, path: worktree, branch, base });

    expect(fs.readFileSync(path.join(worktree, 'a.txt'), 'utf8')).toBe('one\n');
    fs.writeFileSync(path.join(worktree, 'a.txt'), 'two\nthree\n');
    await r.git('-C', worktree, 'commit', '-qam', 'feat: agent change');

    expect(await r.git('branch', '--show-current')).toBe('main');
    expect(fs.readFileSync(path.join(r.dir, 'a.txt'), 'utf8')).toBe('uncommitted\n');
    expect(await commitsSince(worktree, base)).toEqual([{ hash: expect.stringMatching(/^[0-9a-f]{40}$/), message: 'feat: agent change' }]);
    expect(await filesChanged(worktree, base)).toEqual([{ path: 'a.txt', added: 2, removed: 1 }]);
    expect(await r.git('branch', '--list', 'aider-orchestrator/*')).toContain(branch);
  });
});

describe('workspaces prepared ahead of time', () => {
  const worktreeList = async (r: TempRepo) =>
    (await r.git('worktree', 'list', '--porcelain')).split('\n').filter((line) => line.startsWith('worktree ')).length;

  it('gives agents prepared worktrees on their branches, makes new ones past them, removes the unused, and never touches the checkout', async () => {
    const r = await repo({ 'a.txt': 'one\n', 'lib/b.txt': 'b\n' });
    fs.writeFileSync(path.join(r.dir, 'a.txt'), 'uncommitted\n');
    const base = await headCommit(r.dir);
    const temp = makeTempDir();
    onTestFinished(temp.cleanup);
    const pool = new WorkspacePool({ root: r.dir, base, dir: temp.dir });

    pool.prepare(3);
    await pool.whenPrepared();
    // While the PRD is read: prepared, detached at the base, with the base's files.
    expect(await r.git('-C', pool.pathOf(2), 'rev-parse', 'HEAD')).toBe(base);
    expect(await r.git('-C', pool.pathOf(2), 'branch', '--show-current')).toBe('');
    expect(fs.readFileSync(path.join(pool.pathOf(3), 'lib/b.txt'), 'utf8')).toBe('b\n');

    const first = await pool.acquire(1, agentBranchName('run', 1));
    // Agent 4 was not prepared: a new worktree.
    const fourth = await pool.acquire(4, agentBranchName('run', 4));
    for (const [worktree, agent] of [
      [first, 1],
      [fourth, 4],
    ] as const) {
      expect(worktree).toBe(pool.pathOf(agent));
      expect(await r.git('-C', worktree, 'branch', '--show-current')).toBe(agentBranchName('run', agent));
      expect(await r.git('-C', worktree, 'rev-parse', 'HEAD')).toBe(base);
      expect(await r.git('-C', worktree, 'status', '--porcelain')).toBe('');
    }
    fs.writeFileSync(path.join(first, 'a.txt'), 'two\n');
    await r.git('-C', first, 'commit', '-qam', 'feat: agent 1');
    expect(await commitsSince(first, base)).toHaveLength(1);

    // Prepared 2 and 3 went unused: removed, with no branch left behind.
    expect(await worktreeList(r)).toBe(5);
    await pool.release();
    expect(await worktreeList(r)).toBe(3);
    expect(fs.existsSync(pool.pathOf(2))).toBe(false);
    expect(fs.existsSync(pool.pathOf(3))).toBe(false);
    expect((await r.git('branch', '--list', 'aider-orchestrator/*')).split('\n')).toHaveLength(2);
    expect(await r.git('branch', '--show-current')).toBe('main');
    expect(fs.readFileSync(path.join(r.dir, 'a.txt'), 'utf8')).toBe('uncommitted\n');
  });

  it("a new run removes the prepared worktrees of a run that was killed, and no other run's", async () => {
    const r = await repo({ 'a.txt': 'a\n' });
    const base = await headCommit(r.dir);
    const temp = makeTempDir();
    onTestFinished(temp.cleanup);
    // A run still reading its PRD (this process), and a finished agent's worktree on its branch.
    const live = new WorkspacePool({ root: r.dir, base, dir: path.join(temp.dir, 'live-run') });
    live.prepare(1);
    await live.whenPrepared();
    await createWorktree({ root: r.dir, path: path.join(temp.dir, 'done-run', 'agent-1'), branch: agentBranchName('done', 1), base });
    // A run killed during its PRD review: its process is gone, its prepared worktrees stayed.
    const dead = execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).toString();
    const killed = new WorkspacePool({ root: r.dir, base, dir: path.join(temp.dir, 'killed-run') });
    killed.prepare(2);
    await killed.whenPrepared();
    for (const agent of [1, 2]) {
      await r.git('worktree', 'unlock', killed.pathOf(agent));
      await r.git('worktree', 'lock', '--reason', `aider-orchestrator: prepared by pid ${dead}`, killed.pathOf(agent));
    }
    expect(await worktreeList(r)).toBe(5);

    const next = new WorkspacePool({ root: r.dir, base, dir: path.join(temp.dir, 'next-run') });
    next.prepare(1);
    await next.whenPrepared();
    expect(fs.existsSync(path.join(temp.dir, 'killed-run'))).toBe(false);
    expect(fs.existsSync(live.pathOf(1))).toBe(true);
    expect(fs.existsSync(next.pathOf(1))).toBe(true);
    expect(await worktreeList(r)).toBe(4);
    expect(await removeAbandonedWorktrees(r.dir)).toEqual([]);
    await Promise.all([live.release(), next.release()]);
  });

  it('prepares nothing after release (a cancelled run leaves no worktree)', async () => {
    const r = await repo({ 'a.txt': 'a\n' });
    const temp = makeTempDir();
    onTestFinished(temp.cleanup);
    const pool = new WorkspacePool({ root: r.dir, base: await headCommit(r.dir), dir: temp.dir });
    pool.prepare(4);
    await pool.release();
    pool.prepare(2);
    await pool.release();
    expect(await worktreeList(r)).toBe(1);
    expect(fs.existsSync(temp.dir)).toBe(false);
  });
});

describe('a workspace that cannot be made', () => {
  const branches = async (r: TempRepo) =>
    (await r.git('branch', '--list', 'aider-orchestrator/*', '--format=%(refname:short)')).split('\n').filter(Boolean);
  const worktreeCount = async (r: TempRepo) =>
    (await r.git('worktree', 'list', '--porcelain')).split('\n').filter((line) => line.startsWith('worktree ')).length;

  // git makes the new branch first, then refuses the path: simulated with the path already taken
  // (a symbolic link to /dev/full), which git refuses after the branch exists (checked by hand, git 2.39).
  it('leaves no branch behind and says why in one line', async () => {
    const r = await repo({ 'a.txt': 'a\n' });
    const temp = makeTempDir();
    onTestFinished(temp.cleanup);
    const worktree = path.join(temp.dir, 'agent-1');
    fs.symlinkSync('/dev/full', worktree);
    const made = createWorktree({ root: r.dir, path: worktree, branch: agentBranchName('run', 1), base: await headCommit(r.dir) });
    await expect(made).rejects.toThrow(
      new RegExp(
        `^cannot make the worktree ${worktree} \\('${worktree}' already exists\\): free space in the data folder, or set AIDER_ORCHESTRATOR_DATA_DIR`,
      ),
    );
    await expect(made).rejects.toMatchObject({ name: 'UserError', exitCode: 2 });
    expect(await branches(r)).toEqual([]);
    expect(await worktreeCount(r)).toBe(1);
    // What was there before is not the app's to remove.
    expect(fs.readlinkSync(worktree)).toBe('/dev/full');
  });

  it('keeps a branch that was there before (a name git refuses is not deleted)', async () => {
    const r = await repo({ 'a.txt': 'a\n' });
    const temp = makeTempDir();
    onTestFinished(temp.cleanup);
    await r.git('branch', agentBranchName('run', 1));
    await expect(
      createWorktree({
        root: r.dir,
        path: path.join(temp.dir, 'agent-1'),
        branch: agentBranchName('run', 1),
        base: await headCommit(r.dir),
      }),
    ).rejects.toThrow(/already exists/);
    expect(await branches(r)).toEqual([agentBranchName('run', 1)]);
  });

  // Agent 2's path is taken by a file, so its worktree cannot be made (as a full disk would refuse it).
  it("undoes the run's whole workspace step: the worktrees and branches given to earlier agents go too", async () => {
    const r = await repo({ 'a.txt': 'a\n' });
    const temp = makeTempDir();
    onTestFinished(temp.cleanup);
    const dir = path.join(temp.dir, 'run');
    const pool = new WorkspacePool({ root: r.dir, base: await headCommit(r.dir), dir });
    pool.prepare(1);
    await pool.whenPrepared();
    expect(await pool.acquire(1, agentBranchName('run', 1))).toBe(pool.pathOf(1));
    fs.writeFileSync(pool.pathOf(2), 'a file where agent 2 would go');
    await expect(pool.acquire(2, agentBranchName('run', 2))).rejects.toThrow(/^cannot make the worktree .*agent-2 \(.*already exists\)/);
    expect(await branches(r)).toEqual([agentBranchName('run', 1)]);

    fs.rmSync(pool.pathOf(2));
    await pool.discard();
    expect(await branches(r)).toEqual([]);
    expect(await worktreeCount(r)).toBe(1);
    expect(fs.existsSync(dir)).toBe(false);
  });
});

describe("a run's worktrees, for clean", () => {
  it('finds the recorded ones and the prepared ones a killed run left locked in its folder, and removes them, and nothing else', async () => {
    const r = await repo({ 'a.txt': 'a\n' });
    const base = await headCommit(r.dir);
    const temp = makeTempDir();
    onTestFinished(temp.cleanup);
    const runFolder = path.join(temp.dir, 'worktrees', 'run');
    await createWorktree({ root: r.dir, path: path.join(runFolder, 'agent-1'), branch: agentBranchName('run', 1), base });
    await createWorktree({ root: r.dir, path: path.join(runFolder, 'agent-2'), branch: agentBranchName('run', 2), base });
    fs.rmSync(path.join(runFolder, 'agent-2'), { recursive: true }); // deleted by hand: git still lists it
    await r.git(
      'worktree',
      'add',
      '-q',
      '--detach',
      '--lock',
      '--reason',
      'aider-orchestrator: prepared by pid 999999999',
      path.join(runFolder, 'agent-3'),
      base,
    );
    await createWorktree({
      root: r.dir,
      path: path.join(temp.dir, 'worktrees', 'other-run', 'agent-1'),
      branch: agentBranchName('other-run', 1),
      base,
    });
    // A folder in the run's folder that is not a worktree of this repository is not touched.
    fs.mkdirSync(path.join(runFolder, 'not-a-worktree'));

    const found = await findRunWorktrees(r.dir, {
      named: [path.join(runFolder, 'agent-1'), path.join(runFolder, 'agent-2'), r.dir],
      folder: runFolder,
    });
    expect(found.sort()).toEqual(['agent-1', 'agent-2', 'agent-3'].map((name) => path.join(runFolder, name)));
    expect(await removeWorktrees(r.dir, found, runFolder)).toEqual([]);

    const left = (await r.git('worktree', 'list', '--porcelain'))
      .split('\n')
      .filter((line) => line.startsWith('worktree '))
      .map((line) => line.slice(9));
    expect(left).toEqual([r.dir, path.join(temp.dir, 'worktrees', 'other-run', 'agent-1')]);
    expect(fs.readdirSync(runFolder)).toEqual(['not-a-worktree']);
  });
});

describe('paths given to --files', () => {
  it('expands folders to tracked files and keeps repo-relative paths', async () => {
    const r = await repo({ 'src/a.ts': 'a', 'src/b.ts': 'b', 'README.md': 'r' });
    const tracked = await trackedFiles(r.dir);
    expect(await validatePaths(r.dir, [path.join(r.dir, 'src'), 'README.md'], tracked)).toEqual(['README.md', 'src/a.ts', 'src/b.ts']);
  });

  it('rejects paths outside the repo, missing ones and uncommitted ones', async () => {
    const r = await repo({ 'a.ts': 'a' });
    const tracked = await trackedFiles(r.dir);
    await expect(validatePaths(r.dir, ['../elsewhere.ts'], tracked)).rejects.toThrow(/outside the repository/);
    await expect(validatePaths(r.dir, ['nope.ts'], tracked)).rejects.toThrow(/nope.ts does not exist/);
    fs.writeFileSync(path.join(r.dir, 'new.ts'), 'x');
    await expect(validatePaths(r.dir, ['new.ts'], tracked)).rejects.toThrow(/is not committed/);
    expect(await validatePaths(r.dir, ['created-later.ts'], tracked, { allowMissing: true })).toEqual(['created-later.ts']);
  });
});

describe('--repo with a URL', () => {
  it('clones into the data folder, and reuses the clone next time', async () => {
    const origin = await repo({ 'a.txt': 'one\n' });
    const data = makeTempDir();
    onTestFinished(data.cleanup);
    const url = `file://${origin.dir}`;
    const dir = await cloneRepo(url, path.join(data.dir, 'repos'));
    expect(dir).toBe(path.join(data.dir, 'repos', cloneFolderName(url)));
    expect(fs.readFileSync(path.join(dir, 'a.txt'), 'utf8')).toBe('one\n');
    fs.writeFileSync(path.join(origin.dir, 'a.txt'), 'two\n');
    await origin.git('commit', '-qam', 'two');
    expect(await cloneRepo(url, path.join(data.dir, 'repos'))).toBe(dir);
    expect(fs.readFileSync(path.join(dir, 'a.txt'), 'utf8')).toBe('two\n');
  });

  it('says so when the URL cannot be cloned', async () => {
    const data = makeTempDir();
    onTestFinished(data.cleanup);
    await expect(cloneRepo('file:///nonexistent/repo.git', data.dir)).rejects.toThrow(
      /cannot clone file:\/\/\/nonexistent\/repo.git: .*check the URL and your access/,
    );
  });

  it('names the folder after the repository and a hash of its whole URL, credentials aside', () => {
    expect(cloneFolderName('https://github.com/owner/project.git')).toMatch(/^project-[0-9a-f]{8}$/);
    expect(cloneFolderName('git@github.com:owner/other.git')).toMatch(/^other-[0-9a-f]{8}$/);
    expect(cloneFolderName('https://github.com/A/app')).not.toBe(cloneFolderName('https://github.com/B/app'));
    // The same repository with another token, a trailing slash or `.git` is the same clone.
    expect(cloneFolderName('https://x:tok1@github.com/A/app.git')).toBe(cloneFolderName('https://github.com/A/app/'));
    expect(cloneFolderName('https://github.com/A/app.git')).not.toContain('tok');
  });

  it('gives two repositories with the same last path part a clone each', async () => {
    const parent = makeTempDir();
    const data = makeTempDir();
    onTestFinished(parent.cleanup);
    onTestFinished(data.cleanup);
    const urls: string[] = [];
    for (const owner of ['A', 'B']) {
      const origin = path.join(parent.dir, owner, 'app');
      fs.mkdirSync(origin, { recursive: true });
      execFileSync('git', ['init', '-q', '-b', 'main', origin]);
      fs.writeFileSync(path.join(origin, 'owner.txt'), `${owner}\n`);
      execFileSync('git', ['-C', origin, 'add', 'owner.txt']);
      execFileSync('git', ['-C', origin, '-c', 'user.name=T', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', owner]);
      urls.push(`file://${origin}`);
    }
    const [a, b] = [await cloneRepo(urls[0]!, data.dir), await cloneRepo(urls[1]!, data.dir)];
    expect(a).not.toBe(b);
    expect(fs.readFileSync(path.join(a, 'owner.txt'), 'utf8')).toBe('A\n');
    expect(fs.readFileSync(path.join(b, 'owner.txt'), 'utf8')).toBe('B\n');
  });

  it('never prints the credentials of a URL', async () => {
    const data = makeTempDir();
    onTestFinished(data.cleanup);
    const url = 'http://user:s3cret-token@127.0.0.1:9/owner/app.git';
    const progress: string[] = [];
    const error = await cloneRepo(url, data.dir, (line) => progress.push(line)).catch((caught: Error) => caught);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      /^cannot clone http:\/\/\*\*\*@127\.0\.0\.1:9\/owner\/app\.git: .*check the URL and your access$/,
    );
    expect([(error as Error).message, ...progress].join('\n')).not.toContain('s3cret');
    expect(progress).toEqual([expect.stringMatching(/^cloning http:\/\/\*\*\*@127\.0\.0\.1:9\/owner\/app\.git into /)]);
    expect(maskUrl('git@github.com:owner/app.git')).toBe('git@github.com:owner/app.git');
  });
});

describe("a repository's own files", () => {
  it('reads committed files at a commit, and tells symbolic links apart', async () => {
    const r = await repo({ '.env': 'A=1\n', 'other.txt': 'x' });
    fs.symlinkSync('/etc/hostname', path.join(r.dir, '.aider.conf.yml'));
    await r.git('add', '.aider.conf.yml');
    await r.git('commit', '-qm', 'link');
    fs.writeFileSync(path.join(r.dir, '.env'), 'A=changed, not committed\n');
    const files = await committedFiles(r.dir, await headCommit(r.dir), ['.env', '.aider.conf.yml', '.aider.model.settings.yml']);
    expect(files).toEqual([
      { path: '.aider.conf.yml', kind: 'symlink', text: '' },
      { path: '.env', kind: 'file', text: 'A=1\n' },
    ]);
  });

  it('knows which files git tracks', async () => {
    const r = await repo({ '.env': 'A=1\n' });
    const outside = makeTempDir();
    onTestFinished(outside.cleanup);
    fs.writeFileSync(path.join(r.dir, 'untracked.env'), '');
    fs.writeFileSync(path.join(outside.dir, '.env'), '');
    expect(await isTrackedByGit(path.join(r.dir, '.env'))).toBe(true);
    expect(await isTrackedByGit(path.join(r.dir, 'untracked.env'))).toBe(false);
    expect(await isTrackedByGit(path.join(outside.dir, '.env'))).toBe(false);
  });
});
