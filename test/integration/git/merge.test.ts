import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { mergeBranches } from '../../../src/git/merge.js';
import { mergeRun } from '../../../src/orchestrator/merge.js';
import { makeTempRepo, type TempRepo } from '../../support/gitRepo.js';

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
    onTestFinished(repo.cleanup);
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
    onTestFinished(repo.cleanup);
    await repo.git('branch', 'run/merged');
    const base = (await repo.git('rev-parse', 'HEAD')).trim();
    await expect(mergeBranches({ root: repo.dir, base, target: 'run/merged', branches: [] })).rejects.toThrow(
      /the branch run\/merged exists already/,
    );
  });

  it('refuses a base commit the repository does not have in one line, and leaves no integration branch', async () => {
    const repo = await makeTempRepo({ 'a.txt': 'a\n' });
    onTestFinished(repo.cleanup);
    // The run's base commit is not in this repository (the history is older than a re-clone).
    const missing = '0123456789abcdef0123456789abcdef01234567';
    await expect(mergeBranches({ root: repo.dir, base: missing, target: 'run/merged', branches: [] })).rejects.toThrow(
      /^cannot start run\/merged at the run's base 0123456 \(.*\): check that the commit is still in /,
    );
    expect(await repo.git('branch', '--list', 'run/*')).toBe('');
    expect((await repo.git('worktree', 'list')).trim().split('\n')).toHaveLength(1);
  });

  it('says in one line when the temporary folder cannot be written (TMPDIR is a file: ENOTDIR), and leaves no branch', async () => {
    const repo = await makeTempRepo({ 'a.txt': 'a\n' });
    onTestFinished(repo.cleanup);
    const notAFolder = path.join(repo.dir, 'a.txt');
    const before = process.env.TMPDIR;
    process.env.TMPDIR = notAFolder;
    try {
      await expect(mergeBranches({ root: repo.dir, base: 'HEAD', target: 'run/merged', branches: [] })).rejects.toThrow(
        new RegExp(
          `^cannot make the merge worktree for run/merged \\(ENOTDIR: not a directory.*\\): free space in ${notAFolder} \\(or set TMPDIR\\)`,
        ),
      );
    } finally {
      if (before === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = before;
    }
    expect(await repo.git('branch', '--list', 'run/*')).toBe('');
  });

  it("merges a run's succeeded agents with commits, and names a branch deleted since", async () => {
    const repo = await makeTempRepo({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
    onTestFinished(repo.cleanup);
    const base = (await repo.git('rev-parse', 'HEAD')).trim();
    await branchWith(repo, 'aider-orchestrator/r/agent-1', base, { 'a.txt': 'a from agent 1\n' });
    await repo.git('branch', 'aider-orchestrator/r/agent-2', base); // succeeded without a commit
    await branchWith(repo, 'aider-orchestrator/r/agent-3', base, { 'b.txt': 'b from a failed agent\n' });
    const progress: string[] = [];
    const result = await mergeRun(
      {
        runId: 'r',
        repo: repo.dir,
        baseCommit: base,
        agents: [
          { id: 1, branch: 'aider-orchestrator/r/agent-1', status: 'succeeded' },
          { id: 2, branch: 'aider-orchestrator/r/agent-2', status: 'succeeded' },
          { id: 3, branch: 'aider-orchestrator/r/agent-3', status: 'failed' },
          { id: 4, branch: 'aider-orchestrator/r/agent-4', status: 'succeeded' },
        ],
      },
      (line) => progress.push(line),
    );
    expect(result).toEqual({ target: 'aider-orchestrator/r/merged', merged: [1], conflicts: [] });
    expect(progress).toContain('agent 4: its branch aider-orchestrator/r/agent-4 is gone; left out');
    expect(await repo.git('show', 'aider-orchestrator/r/merged:b.txt')).toBe('b');
  });
});
