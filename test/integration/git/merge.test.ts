import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mergeBranches } from '../../../src/git/merge.js';
import { makeTempRepo, type TempRepo } from '../../support/gitRepo.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A branch off `base` with one commit that writes `files`. */
const branchWith = async (repo: TempRepo, branch: string, base: string, files: Record<string, string>) => {
  await repo.git('switch', '-q', '-c', branch, base);
  for (const [file, content] of Object.entries(files)) fs.writeFileSync(path.join(repo.dir, file), content);
  await repo.git('commit', '-qam', `change on ${branch}`);
  await repo.git('switch', '-q', 'main');
};

describe('merging agent branches', () => {
  it('merges clean branches into a new branch, skips a conflicting one, and leaves the checkout alone', async () => {
    const repo = await makeTempRepo({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
    cleanups.push(repo.cleanup);
    const base = (await repo.git('rev-parse', 'HEAD')).trim();
    await branchWith(repo, 'agent-1', base, { 'a.txt': 'a from agent 1\n' });
    await branchWith(repo, 'agent-2', base, { 'b.txt': 'b from agent 2\n' });
    await branchWith(repo, 'agent-3', base, { 'a.txt': 'a from agent 3\n' });
    fs.writeFileSync(path.join(repo.dir, 'b.txt'), 'uncommitted work\n');

    const result = await mergeBranches({
      root: repo.dir,
      base,
      target: 'run/merged',
      branches: [
        { agent: 1, branch: 'agent-1' },
        { agent: 2, branch: 'agent-2' },
        { agent: 3, branch: 'agent-3' },
      ],
    });

    expect(result.merged).toEqual([1, 2]);
    expect(result.conflicts).toEqual([{ agent: 3, branch: 'agent-3', files: ['a.txt'] }]);
    expect(await repo.git('show', 'run/merged:a.txt')).toBe('a from agent 1');
    expect(await repo.git('show', 'run/merged:b.txt')).toBe('b from agent 2');
    // The user's branch, HEAD and uncommitted work are as they were; no merge worktree is left.
    expect((await repo.git('branch', '--show-current')).trim()).toBe('main');
    expect((await repo.git('rev-parse', 'HEAD')).trim()).toBe(base);
    expect(fs.readFileSync(path.join(repo.dir, 'b.txt'), 'utf8')).toBe('uncommitted work\n');
    expect((await repo.git('worktree', 'list')).trim().split('\n')).toHaveLength(1);
  });

  it('refuses to overwrite an existing integration branch', async () => {
    const repo = await makeTempRepo({ 'a.txt': 'a\n' });
    cleanups.push(repo.cleanup);
    await repo.git('branch', 'run/merged');
    const base = (await repo.git('rev-parse', 'HEAD')).trim();
    await expect(mergeBranches({ root: repo.dir, base, target: 'run/merged', branches: [] })).rejects.toThrow(/the branch run\/merged exists already/);
  });
});
