import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as pty from 'node-pty';
import { buildAiderArgs, buildAiderEnv, localModelMetadata } from '../src/agents/aiderArgs.js';
import { AiderSession } from '../src/agents/aiderSession.js';
import { startOpenAiServer, wholeFileEdit } from '../src/standins/openaiStandIn.js';
import { makeTempRepo } from '../test/support/gitRepo.js';

export interface SessionBenchResult {
  /** spawn → aider at its prompt, no file and no message (a warm session). */
  readyMs: number[];
  /** sendTurn (`/add`, `/read-only`, the instruction) → back at the prompt, the edit committed. */
  sessionTurnMs: number[];
  /** One `aider --message-file` process per turn (the agent's way before sessions): spawn → exit, the edit committed. */
  processTurnMs: number[];
}

const MODEL = 'openai/bench';

/**
 * The same turns (an instant scripted model answering with a one-file edit, then aider's
 * commit) done twice: typed into one live session, and as one aider process per turn
 * (continuing with --restore-chat-history). The difference is aider's start-up per turn.
 */
export const runSessionBench = async (options: { aiderBin: string; turns: number }): Promise<SessionBenchResult> => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ao-bench-session-'));
  let turn = 0;
  const openai = await startOpenAiServer(() => {
    turn += 1;
    return { text: wholeFileEdit('a.py', `A = ${turn}\n`, 'python') };
  });
  const repo = await makeTempRepo({ 'a.py': 'A = 0\n' });
  const env = buildAiderEnv({ PATH: process.env.PATH, HOME: home, OPENAI_API_KEY: 'bench', OPENAI_API_BASE: openai.url });
  const taskFile = path.join(home, 'task.md');
  fs.writeFileSync(taskFile, 'Increment A in a.py.\n');
  const result: SessionBenchResult = { readyMs: [], sessionTurnMs: [], processTurnMs: [] };
  try {
    const session = new AiderSession({
      aiderBin: options.aiderBin,
      cwd: repo.dir,
      stateDir: path.join(home, 'session'),
      model: MODEL,
      env,
      cols: 120,
      rows: 40,
    });
    const ready = await session.start();
    result.readyMs.push(ready.startMs);
    for (let i = 0; i < options.turns; i += 1) {
      const done = await session.sendTurn({
        addFiles: i === 0 ? ['a.py'] : [],
        readOnlyFiles: i === 0 ? [taskFile] : [],
        message: 'Do the task in task.md.',
      });
      if (done.usage.iterations !== 1) throw new Error(`a session turn made ${done.usage.iterations} LLM calls`);
      result.sessionTurnMs.push(done.durationMs);
    }
    await session.close();

    const dir = path.join(home, 'processes');
    fs.mkdirSync(dir);
    const metadata = path.join(dir, 'model-metadata.json');
    fs.writeFileSync(metadata, JSON.stringify(localModelMetadata(MODEL)));
    for (let i = 0; i < options.turns; i += 1) {
      const args = buildAiderArgs({
        model: MODEL,
        analyticsLog: path.join(dir, 'analytics.jsonl'),
        chatHistoryFile: path.join(dir, 'chat.history.md'),
        inputHistoryFile: path.join(dir, 'input.history'),
        messageFile: taskFile,
        restoreChatHistory: i > 0,
        modelMetadataFile: metadata,
        files: ['a.py'],
        extraArgs: [],
      });
      const start = performance.now();
      const child = pty.spawn(options.aiderBin, args, {
        name: 'xterm-256color',
        cols: 120,
        rows: 40,
        cwd: repo.dir,
        env: env as Record<string, string>,
      });
      child.onData(() => undefined);
      const exitCode = await new Promise<number>((resolve) => child.onExit(({ exitCode: code }) => resolve(code)));
      if (exitCode !== 0) throw new Error(`aider --message-file exited with ${exitCode}`);
      result.processTurnMs.push(performance.now() - start);
    }
    return result;
  } finally {
    await openai.close();
    repo.cleanup();
    fs.rmSync(home, { recursive: true, force: true });
  }
};
