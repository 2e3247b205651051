import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import xterm from '@xterm/headless';
import * as pty from 'node-pty';
import { serializeViewport } from '../src/agents/viewport.js';
import { aiderLikeChunk } from './aiderLikeOutput.js';

export interface PipelineResult {
  megabytes: number;
  oursMbPerSecond: number;
  tmuxMbPerSecond: number | undefined;
  ratio: number | undefined;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Our pane pipeline: `cat` in a pty → @xterm/headless → the pane serialized at 30 fps. Seconds. */
const oursOnce = (file: string, cols: number, rows: number): Promise<number> =>
  new Promise((resolve) => {
    const terminal = new xterm.Terminal({ cols, rows, scrollback: 5000, allowProposedApi: true });
    const start = performance.now();
    const child = pty.spawn('cat', [file], {
      name: 'xterm-256color',
      cols,
      rows,
      cwd: os.tmpdir(),
      env: process.env as Record<string, string>,
    });
    let dirty = false;
    child.onData((data) => {
      terminal.write(data);
      dirty = true;
    });
    const frame = setInterval(() => {
      if (dirty) serializeViewport(terminal);
      dirty = false;
    }, 1000 / 30);
    child.onExit(() => {
      // The pty is drained; wait until the terminal has parsed everything, then draw once more.
      terminal.write('', () => {
        clearInterval(frame);
        serializeViewport(terminal);
        resolve((performance.now() - start) / 1000);
        terminal.dispose();
      });
    });
  });

/** tmux ingesting the same file in a detached session of the same size. Seconds, or undefined without tmux. */
const tmuxOnce = (file: string, cols: number, rows: number): number | undefined => {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  const socket = path.join(os.tmpdir(), `ao-bench-tmux-${process.pid}`);
  const start = performance.now();
  execFileSync('tmux', [
    '-S',
    socket,
    'new-session',
    '-d',
    '-x',
    String(cols),
    '-y',
    String(rows),
    `cat ${file}; tmux -S ${socket} wait-for -S done`,
  ]);
  execFileSync('tmux', ['-S', socket, 'wait-for', 'done']);
  const seconds = (performance.now() - start) / 1000;
  try {
    execFileSync('tmux', ['-S', socket, 'kill-server'], { stdio: 'ignore' });
  } catch {
    // the session ended with `cat`, and the server with it
  }
  return seconds;
};

/** Bytes/s through pty → headless terminal → pane, against tmux on the same recording. */
export const runPipelineBench = async (options: {
  megabytes: number;
  repeats: number;
  cols: number;
  rows: number;
}): Promise<PipelineResult> => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ao-bench-'));
  const file = path.join(dir, 'recording.ansi');
  const target = options.megabytes * 1024 * 1024;
  const fd = fs.openSync(file, 'w');
  for (let written = 0, seed = 0; written < target; seed += 1) {
    const chunk = aiderLikeChunk(seed * 131, 256 * 1024);
    fs.writeSync(fd, chunk);
    written += Buffer.byteLength(chunk);
  }
  fs.closeSync(fd);
  const size = fs.statSync(file).size / 1024 / 1024;
  const ours: number[] = [];
  const tmux: number[] = [];
  for (let i = 0; i < options.repeats; i += 1) {
    ours.push(size / (await oursOnce(file, options.cols, options.rows)));
    const seconds = tmuxOnce(file, options.cols, options.rows);
    if (seconds !== undefined) tmux.push(size / seconds);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  const oursMbPerSecond = median(ours);
  const tmuxMbPerSecond = tmux.length > 0 ? median(tmux) : undefined;
  return { megabytes: size, oursMbPerSecond, tmuxMbPerSecond, ratio: tmuxMbPerSecond ? oursMbPerSecond / tmuxMbPerSecond : undefined };
};
