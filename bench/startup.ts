import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSampleProject } from '../src/demo/sampleProject.js';
import { startGeminiServer } from '../src/standins/geminiStandIn.js';
import { startOpenAiServer } from '../src/standins/openaiStandIn.js';
import { CLI_MAIN } from '../test/support/cli.js';
import { PtyScreen } from '../test/support/ptyScreen.js';

export interface StartupResult {
  firstFrameMs: number[];
  /** Launch → the PRD screen: the checks are done and the PRD is being written. */
  prdScreenMs: number[];
  keyToFrameMs: number[];
  rssWith8AgentsMb: number | undefined;
}

/** Panes on screen: each has a title line starting with `#<agent>`. */
const paneCount = (text: string): number => (text.match(/[│║]#\d+ /g) ?? []).length;

/**
 * In a real pty (120×40): launch → first drawn frame (the PRD screen), and in the dashboard
 * with agents running, keystroke (`z`, zoom) → the changed frame on screen.
 */
export const runStartupBench = async (options: { aiderBin: string; launches: number; keystrokes: number }): Promise<StartupResult> => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ao-bench-home-'));
  const gemini = await startGeminiServer((request) => (request.stream ? { hang: true } : { json: [] }));
  const geminiReady = await startGeminiServer([{ text: '# PRD\n\nSay hello.\n' }]);
  const openai = await startOpenAiServer([{ hang: true }]);
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    TERM: 'xterm-256color',
    AIDER_ORCHESTRATOR_DATA_DIR: path.join(home, 'data'),
    AIDER_ORCHESTRATOR_CONFIG_DIR: path.join(home, 'config'),
    GEMINI_API_KEY: 'bench',
    OPENAI_API_KEY: 'bench',
    OPENAI_API_BASE: openai.url,
  };
  const result: StartupResult = { firstFrameMs: [], prdScreenMs: [], keyToFrameMs: [], rssWith8AgentsMb: undefined };
  try {
    const repo = await createSampleProject(path.join(home, 'project'));
    const args = ['--model', 'openai/bench', '--aider-bin', options.aiderBin];
    // One launch first fills the aider version cache, as any earlier run would have.
    for (let i = 0; i <= options.launches; i += 1) {
      const start = performance.now();
      const screen = new PtyScreen(process.execPath, [CLI_MAIN, '--change', 'Say hello', ...args], {
        cwd: repo,
        env: { ...env, GOOGLE_GEMINI_BASE_URL: gemini.url },
      });
      // The first frame is the checking screen, unless the checks won the race with the UI.
      await screen.whenScreen((text) => /Checking the repository|Writing the PRD/.test(text), 30_000, 'the first frame');
      const firstFrame = performance.now() - start;
      await screen.whenScreen((text) => text.includes('Writing the PRD'), 30_000, 'the PRD screen');
      if (i > 0) {
        result.firstFrameMs.push(firstFrame);
        result.prdScreenMs.push(performance.now() - start);
      }
      await screen.close();
    }

    const files = ['inventory/models.py', 'inventory/store.py', 'inventory/report.py', 'README.md'];
    const screen = new PtyScreen(
      process.execPath,
      [CLI_MAIN, '--yes', '--change', 'Say hello', '--files', ...files, '--max-agents', '8', '--agents-per-task', '2', ...args],
      {
        cwd: repo,
        env: { ...env, GOOGLE_GEMINI_BASE_URL: geminiReady.url },
      },
    );
    try {
      // Every agent waits on the (silent) model: aider's start-up CPU is over.
      // Every agent waits on the (silent) model: its request is in, so aider's start-up CPU
      // (Python imports, which saturate both cores for ~20 s with 8 agents) is over.
      const deadline = performance.now() + 180_000;
      while (openai.requests.length < 8) {
        if (performance.now() > deadline) throw new Error(`bench: only ${openai.requests.length} of 8 agents reached the model`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      for (let i = 0; i < options.keystrokes; i += 1) {
        // The frame that answers the key: one pane after zooming in, all of them after zooming out
        // (not just any change: the agents' spinners change the screen all the time).
        const zoomedIn = paneCount(screen.text()) > 1;
        const start = performance.now();
        screen.press('z');
        await screen.whenScreen((text) => (zoomedIn ? paneCount(text) === 1 : paneCount(text) > 1), 5000, 'the zoomed frame');
        result.keyToFrameMs.push(performance.now() - start);
        await new Promise((resolve) => setTimeout(resolve, 100)); // let the frame settle before the next key
      }
      result.rssWith8AgentsMb = undefined;
    } finally {
      await screen.close();
    }
  } finally {
    await Promise.all([gemini.close(), geminiReady.close(), openai.close()]);
    fs.rmSync(home, { recursive: true, force: true });
  }
  return result;
};
