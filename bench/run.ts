import os from 'node:os';
import type { RenderBenchResult } from './render.js';

// Measure what users run: React's production build (src/cli/main.ts sets the same).
process.env.NODE_ENV ??= 'production';
const { runRenderBench } = await import('./render.js');

/**
 * `npm run bench`: the render benchmark (targets: p95 frame ≤ 33 ms, CPU ≤ 50% of a core).
 * Timing goals live here, never in tests.
 */
const scenarios = [
  { ui: false, agents: 8, cols: 200, rows: 60, bytesPerSecond: 1_000_000, seconds: 10 },
  { ui: true, agents: 8, cols: 200, rows: 60, bytesPerSecond: 1_000_000, seconds: 10 },
  { ui: true, agents: 8, cols: 120, rows: 40, bytesPerSecond: 1_000_000, seconds: 10 },
  { ui: true, agents: 2, cols: 120, rows: 40, bytesPerSecond: 1_000_000, seconds: 10 },
];

const row = (r: RenderBenchResult) =>
  [
    r.ui ? 'dashboard' : 'terminals only',
    `${r.agents}`,
    `${r.cols}×${r.rows}`,
    `${(r.bytesPerSecond / 1e6).toFixed(1)} MB/s`,
    `${r.frames}`,
    r.frameP50Ms.toFixed(1),
    r.frameP95Ms.toFixed(1),
    r.frameMaxMs.toFixed(1),
    `${r.cpuPercent.toFixed(0)}%`,
    r.rssMb.toFixed(0),
    r.ingestedMbPerSecond.toFixed(2),
    r.outputKbPerSecond.toFixed(0),
  ].join(' | ');

const main = async () => {
  console.log(`render benchmark — node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} ×${os.availableParallelism()}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`);
  console.log('render | agents | window | feed/agent | frames | p50 ms | p95 ms | max ms | CPU | RSS MB | ingested MB/s | out KB/s');
  console.log('---|---|---|---|---|---|---|---|---|---|---|---');
  for (const scenario of scenarios) console.log(row(await runRenderBench(scenario)));
};

await main();
