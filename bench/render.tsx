import { PassThrough, Writable } from 'node:stream';
import { render } from 'ink';
import { App } from '../src/ui/App.js';
import { RunStoreContext } from '../src/ui/hooks/useRunStore.js';
import { RunStore } from '../src/ui/state/runStore.js';
import { MAX_FPS } from '../src/ui/runTui.js';
import { openConfigStore } from '../src/config/store.js';
import { TestAgent, TestRun } from '../test/support/fakeRun.js';
import { aiderLikeChunk } from './aiderLikeOutput.js';

export interface RenderBenchOptions {
  /** false: feed the terminals without any UI (the cost of parsing alone, for comparison). */
  ui: boolean;
  agents: number;
  cols: number;
  rows: number;
  /** Bytes per second fed into each agent's terminal. */
  bytesPerSecond: number;
  seconds: number;
}

export interface RenderBenchResult extends RenderBenchOptions {
  frames: number;
  frameP50Ms: number;
  frameP95Ms: number;
  frameMaxMs: number;
  cpuPercent: number;
  rssMb: number;
  ingestedMbPerSecond: number;
  outputKbPerSecond: number;
}

/** A stdout Ink can draw on: a TTY of the given size that counts and drops what it gets. */
class NullTerminal extends Writable {
  bytes = 0;
  isTTY = true;
  constructor(
    readonly columns: number,
    readonly rows: number,
  ) {
    super();
  }
  override _write(chunk: Buffer | string, _encoding: string, callback: () => void): void {
    this.bytes += chunk.length;
    callback();
  }
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/**
 * The agents dashboard, rendered by the real Ink app into a null terminal while every
 * agent's headless terminal is fed Aider-like output. A frame's time runs from the
 * store's change signal to Ink's commit of the frame.
 */
export const runRenderBench = async (options: RenderBenchOptions): Promise<RenderBenchResult> => {
  const run = new TestRun();
  run.phase = 'agents';
  run.agents = Array.from({ length: options.agents }, (_, i) => new TestAgent(i + 1));
  const store = new RunStore(run);
  const stdout = new NullTerminal(options.cols, options.rows);
  const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => {}, ref: () => {}, unref: () => {} });
  const frameTimes: number[] = [];
  let pendingSince: number | undefined;
  store.subscribe(() => {
    pendingSince ??= performance.now();
  });
  const instance = !options.ui
    ? undefined
    : render(
        <RunStoreContext.Provider value={store}>
          <App warnings={[]} yes={false} editText={async (text) => text} openConfigStore={() => openConfigStore()} />
        </RunStoreContext.Provider>,
        {
          stdout: stdout as unknown as NodeJS.WriteStream,
          stdin: stdin as unknown as NodeJS.ReadStream,
          exitOnCtrlC: false,
          patchConsole: false,
          maxFps: MAX_FPS,
          onRender: () => {
            if (pendingSince !== undefined) frameTimes.push(performance.now() - pendingSince);
            pendingSince = undefined;
          },
        },
      );

  const tickMs = 20;
  const bytesPerTick = Math.round((options.bytesPerSecond * tickMs) / 1000);
  let ingested = 0;
  let seed = 0;
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  let rssPeak = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      for (const agent of run.agents) {
        seed += 97;
        const chunk = aiderLikeChunk(seed, bytesPerTick);
        agent.terminal.write(chunk);
        ingested += chunk.length;
        run.emit('agent:output', agent.id);
      }
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
      if (performance.now() - wallStart >= options.seconds * 1000) {
        clearInterval(timer);
        resolve();
      }
    }, tickMs);
  });
  const wallMs = performance.now() - wallStart;
  const cpu = process.cpuUsage(cpuStart);
  instance?.unmount();
  store.dispose();
  const sorted = [...frameTimes].sort((a, b) => a - b);
  return {
    ...options,
    frames: frameTimes.length,
    frameP50Ms: percentile(sorted, 50),
    frameP95Ms: percentile(sorted, 95),
    frameMaxMs: sorted.at(-1) ?? 0,
    cpuPercent: ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
    rssMb: rssPeak / 1024 / 1024,
    ingestedMbPerSecond: ingested / 1024 / 1024 / (wallMs / 1000),
    outputKbPerSecond: stdout.bytes / 1024 / (wallMs / 1000),
  };
};
