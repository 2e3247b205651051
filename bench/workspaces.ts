import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WorkspacePool } from '../src/git/worktrees.js';

export interface WorkspaceResult {
  method: string;
  seconds: number;
  diskMb: number;
}

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, stdio: 'pipe', maxBuffer: 1 << 28 });
const duMb = (dirs: string[]): number =>
  dirs.reduce((sum, dir) => sum + Number(execFileSync('du', ['-sk', dir]).toString().split('\t')[0]), 0) / 1024;
/** Flushes earlier writes first, so one method does not pay for the last one's write-back. */
const timed = (work: () => void): number => {
  execFileSync('sync');
  const start = performance.now();
  work();
  execFileSync('sync');
  return (performance.now() - start) / 1000;
};

/** A repository of `files` small source files in nested folders, with a few commits of history. */
const generateRepo = (dir: string, files: number): void => {
  fs.mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.name', 'Bench');
  git(dir, 'config', 'user.email', 'bench@example.invalid');
  for (let commit = 0; commit < 3; commit += 1) {
    for (let i = commit * 7; i < files; i += commit === 0 ? 1 : 7) {
      const file = path.join(dir, `pkg${i % 40}`, `mod${i % 500}`, `file${i}.ts`);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(
        file,
        `// file ${i}, revision ${commit}\nexport const value${i} = ${i * (commit + 1)};\n${'export const pad = 0;\n'.repeat(i % 20)}`,
      );
    }
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', `revision ${commit}`);
  }
};

/**
 * 8 agent workspaces three ways: our worktrees, a clone each (100x-orchestrator's way), plain
 * copies (the floor); then what "approve" costs with the app's WorkspacePool when the worktrees
 * were prepared while the PRD was read, against making them at approve.
 */
export const runWorkspaceBench = async (options: { files: number; agents: number }): Promise<WorkspaceResult[]> => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ao-bench-ws-'));
  try {
    const repo = path.join(root, 'repo');
    generateRepo(repo, options.files);
    const head = git(repo, 'rev-parse', 'HEAD').toString().trim();
    const agents = [...Array(options.agents).keys()];
    const results: WorkspaceResult[] = [];

    const worktrees = agents.map((i) => path.join(root, 'worktrees', `agent-${i}`));
    fs.mkdirSync(path.join(root, 'worktrees'));
    const wtSeconds = timed(() =>
      worktrees.forEach((dir, i) => git(repo, 'worktree', 'add', '--quiet', '-b', `bench/agent-${i}`, dir, head)),
    );
    results.push({ method: 'git worktree (ours)', seconds: wtSeconds, diskMb: duMb(worktrees) });

    const clones = agents.map((i) => path.join(root, 'clones', `agent-${i}`));
    fs.mkdirSync(path.join(root, 'clones'));
    const cloneSeconds = timed(() => clones.forEach((dir) => git(root, 'clone', '--quiet', `file://${repo}`, dir)));
    results.push({ method: 'git clone file:// each', seconds: cloneSeconds, diskMb: duMb(clones) });

    const copies = agents.map((i) => path.join(root, 'copies', `agent-${i}`));
    const copySeconds = timed(() =>
      copies.forEach((dir) => fs.cpSync(repo, dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}.git`) })),
    );
    results.push({ method: 'copy of the files (floor)', seconds: copySeconds, diskMb: duMb(copies) });

    // Approve → every agent's workspace ready, through the app's own code path.
    const approve = async (pool: WorkspacePool, prefix: string): Promise<number> => {
      execFileSync('sync');
      const start = performance.now();
      for (const i of agents) await pool.acquire(i + 1, `${prefix}/agent-${i + 1}`);
      return (performance.now() - start) / 1000;
    };
    const cold = new WorkspacePool({ root: repo, base: head, dir: path.join(root, 'cold') });
    results.push({
      method: 'approve → ready, made at approve',
      seconds: await approve(cold, 'cold'),
      diskMb: duMb([path.join(root, 'cold')]),
    });
    const warm = new WorkspacePool({ root: repo, base: head, dir: path.join(root, 'prepared') });
    warm.prepare(options.agents);
    await warm.whenPrepared(); // the user reads the PRD meanwhile
    results.push({
      method: 'approve → ready, prepared during the PRD (ours)',
      seconds: await approve(warm, 'prepared'),
      diskMb: duMb([path.join(root, 'prepared')]),
    });
    return results;
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
};
