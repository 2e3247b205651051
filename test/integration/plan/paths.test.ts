import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { trackedFiles } from '../../../src/git/repo.js';
import { plannedPaths, validatePaths } from '../../../src/plan/validate.js';
import { makeHostileRepo, type HostileRepo } from '../../support/hostileRepo.js';

let repo: HostileRepo;
let tracked: string[];
beforeEach(async () => {
  repo = await makeHostileRepo();
  tracked = await trackedFiles(repo.dir);
});
afterEach(() => repo.cleanup());

const refusal = async (given: string) => {
  const error = await validatePaths(repo.dir, [given], tracked).then(
    () => undefined,
    (caught: unknown) => caught as Error,
  );
  if (!error) throw new Error(`${given} was accepted`);
  expect(error.name).toBe('UserError');
  expect(error.message).not.toContain('\n');
  return error.message;
};

describe('--files through the real filesystem', () => {
  it('refuses a symlink to a file outside the repository', async () => {
    expect(await refusal('README.md')).toBe(
      `README.md leads outside the repository through a symlink (to ${repo.outside}/secret.txt): agents only see and edit files inside it, so leave it out of --files`,
    );
    expect(await refusal('src/leak.py')).toMatch(/^src\/leak\.py leads outside the repository through a symlink/);
  });

  it('refuses a symlink to /proc/self/environ', async () => {
    expect(await refusal('env.txt')).toMatch(/^env\.txt leads outside the repository through a symlink \(to \/proc\/\d+\/environ\)/);
  });

  it('refuses a file reached through a symlinked folder, and the folder itself', async () => {
    expect(await refusal('lib/secret.py')).toMatch(
      /^lib\/secret\.py leads outside the repository through a symlink \(to .*\/dir\/secret\.py\)/,
    );
    expect(await refusal('lib')).toMatch(/^lib leads outside the repository through a symlink/);
  });

  it('refuses a folder holding a link that leaves, naming the file', async () => {
    expect(await refusal('src')).toMatch(/^src\/leak\.py \(in src\) leads outside the repository through a symlink/);
    expect(await refusal('.')).toMatch(/leads outside the repository through a symlink/);
  });

  it('refuses a broken symlink and a tracked file missing from the checkout, each in one line', async () => {
    expect(await refusal('broken.py')).toBe(
      'broken.py is a broken symlink (to nowhere.py, which does not exist): fix or remove the link, or leave it out of --files',
    );
    expect(await refusal('gone.py')).toBe(
      'gone.py is tracked but missing from the checkout (deleted and not committed): restore it with `git checkout -- gone.py`, or leave it out of --files',
    );
  });

  it('refuses a fifo in place of a file', async () => {
    fs.rmSync(path.join(repo.dir, 'a.py'));
    execFileSync('mkfifo', [path.join(repo.dir, 'a.py')]);
    expect(await refusal('a.py')).toBe('a.py is not a regular file (a fifo, device or socket): leave it out of --files');
  });

  it('takes a link that stays inside as the file it leads to, and plain files as they are', async () => {
    expect(await validatePaths(repo.dir, ['docs/alias.py', 'a.py', path.join(repo.dir, 'src/ok.py')], tracked)).toEqual([
      'a.py',
      'src/ok.py',
    ]);
    expect(await validatePaths(repo.dir, ['docs'], tracked)).toEqual(['a.py', 'docs/guide.md']);
  });
});

describe('paths in a plan the model proposed', () => {
  it('drops what leaves the repository or is broken, keeps the rest and new files', () => {
    const { files, refused } = plannedPaths(
      repo.dir,
      [
        'a.py',
        'README.md',
        'env.txt',
        'lib/secret.py',
        'lib/new.py',
        'broken.py',
        'src',
        'src/new.py',
        'docs/alias.py',
        '../x.py',
        '/etc/passwd',
      ],
      tracked,
    );
    expect(files).toEqual(['a.py', 'src/new.py', 'src/ok.py']);
    expect(refused.map((entry) => entry.path)).toEqual([
      'README.md',
      'env.txt',
      'lib/secret.py',
      'lib/new.py',
      'broken.py',
      'src/leak.py (in src)',
      '../x.py',
      '/etc/passwd',
    ]);
    expect(refused.find((entry) => entry.path === 'lib/new.py')?.problem).toMatch(/^leads outside the repository through a symlink/);
  });

  it('refuses a new file under a symlinked folder that leaves (aider would create it outside)', () => {
    const { files, refused } = plannedPaths(repo.dir, ['lib/deeper/new.py'], tracked);
    expect(files).toEqual([]);
    expect(refused[0]?.problem).toMatch(/^leads outside the repository through a symlink/);
  });
});
