import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import * as pty from 'node-pty';
import { buildAiderArgs, buildAiderEnv, localModelMetadata } from '../src/agents/aiderArgs.js';
import { startGeminiServer } from '../src/standins/geminiStandIn.js';
import { startOpenAiServer, wholeFileEdit } from '../src/standins/openaiStandIn.js';
import { CLI_MAIN } from '../test/support/cli.js';
import { waitFor } from '../test/support/waitFor.js';
import { makeTempRepo } from '../test/support/gitRepo.js';

export interface ParallelResult {
  agents: number;
  wallSeconds: number;
  efficiency: number;
  /** "Starting N agents" (the PRD and plan approved) → every aider process spawned: the orchestrator's part. */
  approveToSpawnedSeconds: number;
  /** "Starting N agents" → every aider's first request at the model. */
  approveToStartedSeconds: number;
  /** The same N aiders started directly in ready worktrees, spawn → every first request: aider's own start-up. */
  aiderAloneSeconds: number;
}

/** A repository with one `VALUE = 0` module per agent. */
const valueRepo = (files: string[]) => makeTempRepo(Object.fromEntries(files.map((file) => [file, `VALUE = 0  # ${file}\n`])));

/** The target: a generated `VALUE = 0` repo, or a clone of a real one with n of its source files as the tasks. */
interface BenchTarget {
  dir: string;
  files: string[];
  /** The file as the scripted model rewrites it on turn `turn` (1 = the task, 2 = the supervisor's instruction). */
  edited(file: string, turn: number): string;
  cleanup(): void;
}

const generatedTarget = async (n: number): Promise<BenchTarget> => {
  const files = Array.from({ length: n }, (_, i) => `mod${i}.py`);
  const repo = await valueRepo(files);
  return { dir: repo.dir, files, edited: (file, turn) => `VALUE = ${turn}  # ${file}\n`, cleanup: repo.cleanup };
};

/**
 * A local clone of a real repository (`--repo=<git dir or URL>`); the tasks are n mid-sized
 * TypeScript sources, each edited by appending a comment line.
 */
const realTarget = (source: string, n: number): BenchTarget => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ao-bench-real-'));
  execFileSync('git', ['clone', '--quiet', source, dir]);
  execFileSync('git', ['-C', dir, 'config', 'user.email', 'bench@example.com']);
  execFileSync('git', ['-C', dir, 'config', 'user.name', 'bench']);
  const candidates = execFileSync('git', ['-C', dir, 'ls-files', '*.ts'], { encoding: 'utf8' })
    .split('\n')
    .filter((file) => file && !file.endsWith('.test.ts') && !file.endsWith('.d.ts'))
    .map((file) => ({ file, size: fs.statSync(path.join(dir, file)).size }))
    .filter(({ size }) => size > 1_000 && size < 4_000)
    .sort((a, b) => a.file.localeCompare(b.file));
  if (candidates.length < n) throw new Error(`bench: ${source} has only ${candidates.length} mid-sized .ts files`);
  const files = Array.from({ length: n }, (_, i) => candidates[Math.floor((i * candidates.length) / n)]!.file);
  const original = new Map(files.map((file) => [file, fs.readFileSync(path.join(dir, file), 'utf8')]));
  return {
    dir,
    files,
    edited: (file, turn) => `${original.get(file)}\n// bench turn ${turn}\n`,
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
};

/**
 * Aider's own start-up for n agents at once: n aiders with the app's arguments, each in its own
 * ready worktree and pty, from spawn until every first request reached the (silent) model.
 */
const aiderAloneSeconds = async (aiderBin: string, n: number): Promise<number> => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ao-bench-alone-'));
  const files = Array.from({ length: n }, (_, i) => `mod${i}.py`);
  const openai = await startOpenAiServer(() => ({ hang: true }));
  const children: pty.IPty[] = [];
  const repo = await valueRepo(files);
  try {
    const worktrees = [];
    for (let i = 0; i < n; i += 1) {
      const worktree = path.join(home, `agent-${i}`);
      await repo.git('worktree', 'add', '--quiet', '-b', `agent-${i}`, worktree);
      const messageFile = path.join(home, `message-${i}.md`);
      fs.writeFileSync(messageFile, `Set VALUE to 1 in ${files[i]}.\n`);
      worktrees.push({ worktree, messageFile, file: files[i]! });
    }
    const env = buildAiderEnv({ PATH: process.env.PATH, HOME: home, OPENAI_API_KEY: 'bench', OPENAI_API_BASE: openai.url });
    const modelMetadataFile = path.join(home, 'model-metadata.json');
    fs.writeFileSync(modelMetadataFile, JSON.stringify(localModelMetadata('openai/bench')));
    const start = performance.now();
    for (const [i, { worktree, messageFile, file }] of worktrees.entries()) {
      const args = buildAiderArgs({
        model: 'openai/bench',
        analyticsLog: path.join(home, `analytics-${i}.jsonl`),
        chatHistoryFile: path.join(home, `chat-${i}.md`),
        inputHistoryFile: path.join(home, `input-${i}`),
        messageFile,
        restoreChatHistory: false,
        modelMetadataFile,
        files: [file],
        extraArgs: [],
      });
      const child = pty.spawn(aiderBin, args, {
        name: 'xterm-256color',
        cols: 120,
        rows: 40,
        cwd: worktree,
        env: env as Record<string, string>,
      });
      child.onData(() => undefined);
      children.push(child);
    }
    await waitFor(() => openai.requests.length >= n, `${n} aiders to reach the model`, 300_000);
    return (performance.now() - start) / 1000;
  } finally {
    for (const child of children) child.kill('SIGKILL');
    await openai.close();
    repo.cleanup();
    fs.rmSync(home, { recursive: true, force: true });
  }
};

/**
 * N one-file tasks, each answered by the model after a fixed latency, run by the real CLI
 * and aider with N agents at once. Efficiency = wall(N) / wall(1): 1.0 is perfect overlap.
 */
export const runParallelBench = async (options: {
  aiderBin: string;
  counts: number[];
  latencyMs: number;
  /** How long the PRD stand-in takes to answer: the time the warm aiders have to reach their prompt. */
  prdDelayMs: number;
  /** The supervisor on: it instructs once after the first turn, then finishes (two turns per agent). */
  supervisor?: boolean;
  /** A real repository to clone as the target, instead of the generated one. */
  repo?: string;
}): Promise<{ results: ParallelResult[]; aiderStartSeconds: number }> => {
  const start = performance.now();
  execFileSync(options.aiderBin, ['--version'], { env: { ...process.env, LITELLM_LOCAL_MODEL_COST_MAP: 'True' } });
  const aiderStartSeconds = (performance.now() - start) / 1000;
  const results: ParallelResult[] = [];
  for (const n of options.counts) {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ao-bench-par-'));
    const repo = options.repo ? realTarget(options.repo, n) : await generatedTarget(n);
    const { files } = repo;
    const gemini = await startGeminiServer([{ text: '# PRD\n\nChange every listed file.\n', delayMs: options.prdDelayMs }]);
    // The supervisor (same server, its own model name) instructs once per agent, then finishes.
    const instructed = new Set<string>();
    const openai = await startOpenAiServer((request) => {
      if (request.model === 'bench-supervisor') {
        const file = files.find((name) => request.text.includes(name));
        const first = file !== undefined && !instructed.has(file);
        if (file) instructed.add(file);
        const decision = first
          ? {
              progress: 'first turn done',
              thought: 'one more pass',
              action: 'instruct',
              message: 'Mark the second turn.',
              future: 'finish',
            }
          : { progress: 'done', thought: 'the file is changed', action: 'finish', message: '', future: '' };
        return { text: JSON.stringify(decision) };
      }
      const file = files.find((name) => request.text.includes(`${name}\n\`\`\``));
      if (!file) return { text: 'Done.' };
      const turn = request.text.includes('Mark the second turn.') ? 2 : 1;
      const lang = file.endsWith('.py') ? 'python' : 'typescript';
      return { text: wholeFileEdit(file, repo.edited(file, turn), lang), delayMs: options.latencyMs };
    });
    try {
      const began = performance.now();
      let approvedAt: number | undefined;
      let spawnedAt: number | undefined;
      let spawned = 0;
      let startedAt: number | undefined;
      const run = execa(
        process.execPath,
        [
          CLI_MAIN,
          '--headless',
          '--yes',
          '--change',
          'Set VALUE to 1',
          '--files',
          ...files,
          '--max-agents',
          String(n),
          '--model',
          'openai/bench',
          '--aider-bin',
          options.aiderBin,
          ...(options.supervisor ? ['--supervisor-model', 'openai/bench-supervisor'] : []),
        ],
        {
          cwd: repo.dir,
          reject: false,
          env: {
            PATH: process.env.PATH,
            HOME: home,
            AIDER_ORCHESTRATOR_DATA_DIR: path.join(home, 'data'),
            AIDER_ORCHESTRATOR_CONFIG_DIR: path.join(home, 'config'),
            GEMINI_API_KEY: 'bench',
            GOOGLE_GEMINI_BASE_URL: gemini.url,
            OPENAI_API_KEY: 'bench',
            OPENAI_API_BASE: openai.url,
            AIDER_ORCHESTRATOR_SUPERVISOR: options.supervisor ? 'on' : 'off',
          },
          extendEnv: false,
        },
      );
      // Headless --yes prints "Starting N agents" right after the PRD and the plan are approved.
      // Each agent's "state: starting" line comes right before its aider is spawned.
      run.stderr.on('data', (chunk: Buffer) => {
        const text = chunk.toString();
        if (approvedAt === undefined && text.includes('Starting ')) approvedAt = performance.now();
        spawned += text.split('state: starting').length - 1;
        if (spawnedAt === undefined && spawned >= n) spawnedAt = performance.now();
      });
      const firstRequests = waitFor(() => openai.requests.length >= n, `${n} agents to reach the model`, 300_000).then(
        () => (startedAt = performance.now()),
      );
      const result = await run;
      const wallSeconds = (performance.now() - began) / 1000;
      if (result.exitCode !== 0) throw new Error(`bench run with ${n} agents failed:\n${String(result.stderr).slice(-2000)}`);
      await firstRequests;
      if (approvedAt === undefined || spawnedAt === undefined || startedAt === undefined)
        throw new Error('bench: no "Starting" line, no spawn or no model request');
      results.push({
        agents: n,
        wallSeconds,
        efficiency: wallSeconds / (results[0]?.wallSeconds ?? wallSeconds),
        approveToSpawnedSeconds: (spawnedAt - approvedAt) / 1000,
        approveToStartedSeconds: (startedAt - approvedAt) / 1000,
        // aider's own start-up is measured on the generated repo only (a real repo's first turn is its repo map).
        aiderAloneSeconds: options.repo ? Number.NaN : await aiderAloneSeconds(options.aiderBin, n),
      });
    } finally {
      await Promise.all([gemini.close(), openai.close()]);
      repo.cleanup();
      fs.rmSync(home, { recursive: true, force: true });
    }
  }
  return { results, aiderStartSeconds };
};
