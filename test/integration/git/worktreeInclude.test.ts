import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { WorkspacePool } from '../../../src/git/worktrees.js';
import { copyIncludedFiles, excludeFromCommits, listWorktreeIncludes } from '../../../src/git/worktreeInclude.js';
import { makeTempDir, makeTempRepo, type TempRepo } from '../../support/gitRepo.js';
import { cleanUp } from '../../support/cleanUp.js';

/** A repo whose checkout has untracked files next to tracked ones, and a secret outside it. */
const setup = async (): Promise<{ repo: TempRepo; outside: string; data: string }> => {
  const repo = await makeTempRepo({ 'app.py': 'print(1)\n', '.gitignore': 'node_modules/\n' });
  const outside = makeTempDir('ao-outside-');
  const data = makeTempDir('ao-data-');
  cleanUp(repo.cleanup, outside.cleanup, data.cleanup);
  fs.writeFileSync(path.join(outside.dir, 'secret'), 'TOKEN=outside\n');
  fs.writeFileSync(path.join(repo.dir, '.env'), 'API_URL=http://localhost\n');
  fs.mkdirSync(path.join(repo.dir, 'config'));
  fs.writeFileSync(path.join(repo.dir, 'config', 'local.json'), '{"debug":true}\n');
  fs.writeFileSync(path.join(repo.dir, 'notes.txt'), 'not named\n');
  fs.mkdirSync(path.join(repo.dir, 'node_modules', 'pkg'), { recursive: true });
  fs.writeFileSync(path.join(repo.dir, 'node_modules', 'pkg', 'index.js'), '\n');
  fs.symlinkSync(path.join(outside.dir, 'secret'), path.join(repo.dir, 'leak.env'));
  fs.writeFileSync(path.join(repo.dir, '.worktreeinclude'), '/.env\n/leak.env\nconfig/\n/app.py\n');
  return { repo, outside: outside.dir, data: data.dir };
};

describe('.worktreeinclude', () => {
  it('names the untracked files its patterns match, as git matches a .gitignore; a symlink out of the repo is refused', async () => {
    const { repo, outside } = await setup();
    const listed = await listWorktreeIncludes(repo.dir);
    // app.py is tracked: every worktree has it already.
    expect(listed?.files.sort()).toEqual(['.env', 'config/local.json']);
    expect(listed?.refused).toEqual([
      { path: 'leak.env', problem: `leads outside the repository through a symlink (to ${path.join(outside, 'secret')})` },
    ]);
  });

  it('is not read when it is a symlink, and there is nothing to copy without one', async () => {
    const { repo, outside } = await setup();
    fs.rmSync(path.join(repo.dir, '.worktreeinclude'));
    expect(await listWorktreeIncludes(repo.dir)).toBeUndefined();
    fs.writeFileSync(path.join(outside, 'patterns'), '*\n');
    fs.symlinkSync(path.join(outside, 'patterns'), path.join(repo.dir, '.worktreeinclude'));
    const listed = await listWorktreeIncludes(repo.dir);
    expect(listed?.files).toEqual([]);
    expect(listed?.refused[0]?.problem).toMatch(/not a regular file/);
  });

  it('copies them into each new worktree, where no commit takes them, while the checkout and git’s shared excludes stay as they were', async () => {
    const { repo, data } = await setup();
    const userExcludes = path.join(data, 'global-ignore');
    fs.writeFileSync(userExcludes, '*.log\n');
    await repo.git('config', 'core.excludesFile', userExcludes);
    const listed = await listWorktreeIncludes(repo.dir);
    const warnings: string[] = [];
    const pool = new WorkspacePool({
      root: repo.dir,
      base: await repo.git('rev-parse', 'HEAD'),
      dir: path.join(data, 'worktrees'),
      include: listed?.files,
      warn: (message) => warnings.push(message),
    });
    pool.prepare(1);
    const prepared = await pool.acquire(1, 'agent-1');
    const made = await pool.acquire(2, 'agent-2');
    for (const worktree of [prepared, made]) {
      expect(fs.readFileSync(path.join(worktree, '.env'), 'utf8')).toBe('API_URL=http://localhost\n');
      expect(fs.readFileSync(path.join(worktree, 'config', 'local.json'), 'utf8')).toBe('{"debug":true}\n');
      expect(fs.existsSync(path.join(worktree, 'notes.txt'))).toBe(false);
      expect(fs.existsSync(path.join(worktree, 'leak.env'))).toBe(false);
      // What an agent (or aider's `git add`) would commit: everything but the copies.
      fs.writeFileSync(path.join(worktree, 'new.py'), 'x = 1\n');
      fs.writeFileSync(path.join(worktree, 'debug.log'), 'the user’s own excludes still apply\n');
      const git = (...args: string[]) => repo.git('-C', worktree, ...args);
      await git('add', '-A');
      await git('commit', '-q', '-m', 'agent work');
      expect((await git('show', '--name-only', '--format=', 'HEAD')).split('\n')).toEqual(['new.py']);
      expect(await git('status', '--porcelain')).toBe('');
    }
    expect(warnings).toEqual([]);
    // The user's checkout still sees its untracked files (nothing was added to the shared info/exclude).
    expect(await repo.git('status', '--porcelain')).toContain('?? .env');
    const sharedExclude = path.join(repo.dir, '.git', 'info', 'exclude');
    expect(fs.existsSync(sharedExclude) ? fs.readFileSync(sharedExclude, 'utf8') : '').not.toContain('.env');
  });

  it('leaves out a file the base commit tracks at that place, and one a tracked symlinked folder would lead out of the worktree', async () => {
    const { repo, outside } = await setup();
    fs.symlinkSync(outside, path.join(repo.dir, 'linked'));
    await repo.git('add', 'linked');
    await repo.git('commit', '-q', '-m', 'a symlinked folder');
    await repo.git('rm', '-q', '--cached', 'linked');
    fs.rmSync(path.join(repo.dir, 'linked'));
    fs.mkdirSync(path.join(repo.dir, 'linked'));
    fs.writeFileSync(path.join(repo.dir, 'linked', 'planted'), 'x\n');
    const parent = makeTempDir('ao-wt-');
    cleanUp(parent.cleanup);
    const worktree = path.join(parent.dir, 'w');
    await repo.git('worktree', 'add', '-q', '--detach', worktree, 'HEAD');
    const { copied, refused } = copyIncludedFiles(repo.dir, worktree, ['.env', 'linked/planted', 'app.py']);
    expect(copied).toEqual(['.env']);
    expect(refused.map((refusal) => refusal.path)).toEqual(['linked/planted', 'app.py']);
    expect(fs.existsSync(path.join(outside, 'planted'))).toBe(false);
    expect(await excludeFromCommits(repo.dir, worktree, copied)).toEqual(['.env']);
    await repo.git('worktree', 'remove', '--force', worktree);
  });
});
