import { execa } from 'execa';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { mergeBranches, type MergeConflict } from '../../../src/git/merge.js';
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
    expect(result.resolved).toEqual([]);
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
    expect(result).toMatchObject({
      target: 'aider-orchestrator/r/merged',
      merged: [1],
      conflicts: [],
      leftOut: [],
      resolved: [],
      check: undefined,
    });
    expect(progress).toContain('agent 4: its branch aider-orchestrator/r/agent-4 is gone; left out');
    expect(await repo.git('show', 'aider-orchestrator/r/merged:b.txt')).toBe('b');
  });
});

/** Two branches off `base` that both append a different line to a.txt: the second conflicts with the first. */
const conflictingBranches = async (repo: TempRepo) => {
  const base = (await repo.git('rev-parse', 'HEAD')).trim();
  await branchWith(repo, 'agent-1', base, { 'a.txt': 'a\none\n' });
  await branchWith(repo, 'agent-2', base, { 'a.txt': 'a\ntwo\n', 'b.txt': 'b from agent 2\n' });
  return base;
};

const BRANCHES = [
  { agent: 1, branch: 'agent-1' },
  { agent: 2, branch: 'agent-2' },
];

/** What the integration worktree looks like when the check runs: status, an unfinished merge. */
const worktreeState = async (worktree: string) => ({
  status: String((await execa('git', ['status', '--porcelain'], { cwd: worktree })).stdout),
  mergeInProgress: fs.existsSync(String((await execa('git', ['rev-parse', '--git-path', 'MERGE_HEAD'], { cwd: worktree })).stdout)),
});

describe('a conflicting branch handed to a resolver', () => {
  it('is merged with a merge commit of two parents once the resolver has removed the markers', async () => {
    const repo = await makeTempRepo({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
    onTestFinished(repo.cleanup);
    const base = await conflictingBranches(repo);
    const seen: MergeConflict[] = [];
    const result = await mergeBranches({
      root: repo.dir,
      base,
      target: 'run/merged',
      branches: BRANCHES,
      resolve: async (conflict) => {
        seen.push(conflict);
        expect(fs.readFileSync(path.join(conflict.worktree, 'a.txt'), 'utf8')).toMatch(/^<<<<<<< HEAD$/m);
        fs.writeFileSync(path.join(conflict.worktree, 'a.txt'), 'a\none\ntwo\n');
        return { resolved: true };
      },
    });
    expect(seen.map(({ agent, branch, files, mergedSoFar }) => ({ agent, branch, files, mergedSoFar }))).toEqual([
      { agent: 2, branch: 'agent-2', files: ['a.txt'], mergedSoFar: [1] },
    ]);
    expect(result).toEqual({
      target: 'run/merged',
      merged: [1, 2],
      conflicts: [],
      resolved: [{ agent: 2, branch: 'agent-2', files: ['a.txt'] }],
    });
    expect(await repo.git('show', 'run/merged:a.txt')).toBe('a\none\ntwo');
    expect(await repo.git('show', 'run/merged:b.txt')).toBe('b from agent 2');
    const [, ...parents] = (await repo.git('rev-list', '--parents', '-n', '1', 'run/merged')).trim().split(' ');
    expect(parents).toHaveLength(2);
    expect(await repo.git('log', '-1', '--format=%s', 'run/merged')).toBe('Merge agent 2 (agent-2)');
    expect((await repo.git('worktree', 'list')).trim().split('\n')).toHaveLength(1);
  });

  it('leaves the branch out, named with the reason, and the integration branch as it was, when markers are left', async () => {
    const repo = await makeTempRepo({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
    onTestFinished(repo.cleanup);
    const base = await conflictingBranches(repo);
    let state: Awaited<ReturnType<typeof worktreeState>> | undefined;
    const result = await mergeBranches({
      root: repo.dir,
      base,
      target: 'run/merged',
      branches: BRANCHES,
      // The file is only half resolved, and something new is left in the worktree.
      resolve: async (conflict) => {
        fs.writeFileSync(path.join(conflict.worktree, 'a.txt'), 'a\n<<<<<<< HEAD\none\n=======\ntwo\n');
        fs.writeFileSync(path.join(conflict.worktree, 'stray.txt'), 'left behind\n');
        return { resolved: true };
      },
      inWorktree: async (worktree) => {
        state = await worktreeState(worktree);
      },
    });
    expect(result.merged).toEqual([1]);
    expect(result.resolved).toEqual([]);
    expect(result.conflicts).toEqual([{ agent: 2, branch: 'agent-2', files: ['a.txt'], reason: 'conflict markers left in a.txt' }]);
    expect(state).toEqual({ status: '', mergeInProgress: false });
    expect(await repo.git('show', 'run/merged:a.txt')).toBe('a\none');
    expect(await repo.git('ls-tree', '--name-only', 'run/merged')).toBe('a.txt\nb.txt');
  });

  it('aborts the merge when the resolver fails, with its reason', async () => {
    const repo = await makeTempRepo({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
    onTestFinished(repo.cleanup);
    const base = await conflictingBranches(repo);
    let state: Awaited<ReturnType<typeof worktreeState>> | undefined;
    const result = await mergeBranches({
      root: repo.dir,
      base,
      target: 'run/merged',
      branches: BRANCHES,
      resolve: async () => ({ resolved: false, reason: 'the model call failed' }),
      inWorktree: async (worktree) => {
        state = await worktreeState(worktree);
      },
    });
    expect(result.conflicts).toEqual([{ agent: 2, branch: 'agent-2', files: ['a.txt'], reason: 'the model call failed' }]);
    expect(state).toEqual({ status: '', mergeInProgress: false });
  });

  it('merges into an existing integration branch with `continue`: branches in it count as merged', async () => {
    const repo = await makeTempRepo({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
    onTestFinished(repo.cleanup);
    const base = await conflictingBranches(repo);
    const first = await mergeBranches({ root: repo.dir, base, target: 'run/merged', branches: BRANCHES });
    expect(first.conflicts.map((c) => c.agent)).toEqual([2]);
    const progress: string[] = [];
    const again = await mergeBranches({
      root: repo.dir,
      base,
      target: 'run/merged',
      branches: BRANCHES,
      continue: true,
      onProgress: (line) => progress.push(line),
      resolve: async (conflict) => {
        fs.writeFileSync(path.join(conflict.worktree, 'a.txt'), 'a\none\ntwo\n');
        return { resolved: true };
      },
    });
    expect(again.merged).toEqual([1, 2]);
    expect(again.resolved.map((r) => r.agent)).toEqual([2]);
    expect(progress[0]).toBe('agent 1 (agent-1) is in run/merged already');
    expect(await repo.git('show', 'run/merged:a.txt')).toBe('a\none\ntwo');
  });
});
