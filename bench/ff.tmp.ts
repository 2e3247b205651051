import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSampleProject } from '../src/demo/sampleProject.js';
import { startGeminiServer } from '../src/standins/geminiStandIn.js';
import { startOpenAiServer } from '../src/standins/openaiStandIn.js';
import { CLI_MAIN } from '../test/support/cli.js';
import { PtyScreen } from '../test/support/ptyScreen.js';
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ao-bench-home-'));
const gemini = await startGeminiServer((request) => (request.stream ? { hang: true } : { json: [] }));
const openai = await startOpenAiServer([{ hang: true }]);
const env = { PATH: process.env.PATH, HOME: home, TERM: 'xterm-256color', AIDER_ORCHESTRATOR_DATA_DIR: path.join(home, 'data'), AIDER_ORCHESTRATOR_CONFIG_DIR: path.join(home, 'config'), GEMINI_API_KEY: 'bench', OPENAI_API_KEY: 'bench', OPENAI_API_BASE: openai.url, GOOGLE_GEMINI_BASE_URL: gemini.url, NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS ?? '' };
const repo = await createSampleProject(path.join(home, 'project'));
const args = process.argv.slice(2);
const times: number[] = [];
for (let i = 0; i < 11; i += 1) {
  const start = performance.now();
  const screen = new PtyScreen(process.execPath, [...args, '--change', 'Say hello', '--model', 'openai/bench', '--aider-bin', process.env.AIDER_BIN!], { cwd: repo, env });
  await screen.whenScreen((text) => /Checking the repository|Writing the PRD/.test(text), 30_000, 'first');
  if (i > 0) times.push(performance.now() - start);
  await screen.close();
}
times.sort((a, b) => a - b);
console.log('first frame p50', times[5]!.toFixed(0), 'min', times[0]!.toFixed(0), 'max', times[9]!.toFixed(0));
await Promise.all([gemini.close(), openai.close()]);
fs.rmSync(home, { recursive: true, force: true });
