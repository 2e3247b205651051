import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { git } from '../src/git/exec.js';
import { startGeminiServer } from '../src/standins/geminiStandIn.js';
import { startOpenAiServer, wholeFileEdit } from '../src/standins/openaiStandIn.js';
import { CLI_MAIN } from '../test/support/cli.js';

export interface ParallelResult {
  agents: number;
  wallSeconds: number;
  efficiency: number;
}

/**
 * N one-file tasks, each answered by the model after a fixed latency, run by the real CLI
 * and aider with N agents at once. Efficiency = wall(N) / wall(1): 1.0 is perfect overlap.
 */
export const runParallelBench = async (options: { aiderBin: string; counts: number[]; latencyMs: number }): Promise<{ results: ParallelResult[]; aiderStartSeconds: number }> => {
  const start = performance.now();
  execFileSync(options.aiderBin, ['--version'], { env: { ...process.env, LITELLM_LOCAL_MODEL_COST_MAP: 'True' } });
  const aiderStartSeconds = (performance.now() - start) / 1000;
  const results: ParallelResult[] = [];
  for (const n of options.counts) {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ao-bench-par-'));
    const repo = path.join(home, 'repo');
    fs.mkdirSync(repo);
    await git(repo, ['init', '-q', '-b', 'main']);
    await git(repo, ['config', 'user.name', 'Bench']);
    await git(repo, ['config', 'user.email', 'bench@example.invalid']);
    const files = Array.from({ length: n }, (_, i) => `mod${i}.py`);
    for (const file of files) fs.writeFileSync(path.join(repo, file), `VALUE = 0  # ${file}\n`);
    await git(repo, ['add', '-A']);
    await git(repo, ['commit', '-q', '-m', 'start']);
    const gemini = await startGeminiServer([{ text: '# PRD\n\nSet every VALUE to 1.\n' }]);
    const openai = await startOpenAiServer((request) => {
      const file = files.find((name) => request.text.includes(`${name}\n\`\`\``));
      return file ? { text: wholeFileEdit(file, `VALUE = 1  # ${file}\n`, 'python'), delayMs: options.latencyMs } : { text: 'Done.' };
    });
    try {
      const began = performance.now();
      const result = await execa(process.execPath, [CLI_MAIN, '--headless', '--yes', '--change', 'Set VALUE to 1', '--files', ...files, '--max-agents', String(n), '--model', 'openai/bench', '--aider-bin', options.aiderBin], {
        cwd: repo,
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
        },
        extendEnv: false,
      });
      if (result.exitCode !== 0) throw new Error(`bench run with ${n} agents failed:\n${String(result.stderr).slice(-2000)}`);
      const wallSeconds = (performance.now() - began) / 1000;
      results.push({ agents: n, wallSeconds, efficiency: wallSeconds / (results[0]?.wallSeconds ?? wallSeconds) });
    } finally {
      await Promise.all([gemini.close(), openai.close()]);
      fs.rmSync(home, { recursive: true, force: true });
    }
  }
  return { results, aiderStartSeconds };
};
