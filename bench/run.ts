import os from 'node:os';
import { findTestAider } from '../test/support/aider.js';
import type { RenderBenchResult } from './render.js';

// Measure what users run: React's production build (src/cli/main.ts sets the same).
process.env.NODE_ENV ??= 'production';

/**
 * `npm run bench [-- <section>...]`: sections render, pipeline, workspaces, startup, parallel,
 * session, memory (default: all). Medians over repeats where a section repeats. Timing goals live
 * here, never in tests; results with the machine go in BENCHMARKS.md.
 */
const sections = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const wanted = (name: string) => sections.length === 0 || sections.includes(name);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const p95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * 0.95))] ?? 0;
const table = (header: string[], rows: (string | number)[][]) => {
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => '---').join('|')}|`);
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
  console.log('');
};
const aiderBin = (): string => {
  const found = findTestAider();
  if ('skip' in found) throw new Error(`this section needs the real aider: ${found.skip}`);
  return found.bin;
};

console.log(
  `benchmarks — node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} ×${os.availableParallelism()}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB\n`,
);

if (wanted('render')) {
  const { runRenderBench } = await import('./render.js');
  console.log('## render: agents dashboard, every agent fed 1 MB/s for 10 s');
  const scenarios = [
    { ui: false, agents: 8, cols: 200, rows: 60, bytesPerSecond: 1_000_000, seconds: 10 },
    { ui: true, agents: 8, cols: 200, rows: 60, bytesPerSecond: 1_000_000, seconds: 10 },
    { ui: true, agents: 8, cols: 120, rows: 40, bytesPerSecond: 1_000_000, seconds: 10 },
    { ui: true, agents: 2, cols: 120, rows: 40, bytesPerSecond: 1_000_000, seconds: 10 },
  ];
  const rows: RenderBenchResult[] = [];
  for (const scenario of scenarios) rows.push(await runRenderBench(scenario));
  table(
    ['render', 'agents', 'window', 'frames', 'p50 ms', 'p95 ms', 'max ms', 'CPU', 'RSS MB', 'ingested MB/s'],
    rows.map((r) => [
      r.ui ? 'dashboard' : 'terminals only',
      r.agents,
      `${r.cols}×${r.rows}`,
      r.frames || '–',
      r.frameP50Ms.toFixed(1),
      r.frameP95Ms.toFixed(1),
      r.frameMaxMs.toFixed(1),
      `${r.cpuPercent.toFixed(0)}%`,
      r.rssMb.toFixed(0),
      r.ingestedMbPerSecond.toFixed(2),
    ]),
  );
}

if (wanted('pipeline')) {
  const { runPipelineBench } = await import('./pipeline.js');
  console.log('## pane pipeline: 30 MB of Aider-like output, pty → @xterm/headless → pane, vs tmux (median of 5)');
  const r = await runPipelineBench({ megabytes: 30, repeats: 5, cols: 120, rows: 40 });
  table(
    ['recording', 'ours MB/s', 'tmux MB/s', 'ours / tmux'],
    [
      [
        `${r.megabytes.toFixed(1)} MB`,
        r.oursMbPerSecond.toFixed(1),
        r.tmuxMbPerSecond?.toFixed(1) ?? 'no tmux',
        r.ratio?.toFixed(2) ?? '–',
      ],
    ],
  );
}

if (wanted('workspaces')) {
  const { runWorkspaceBench } = await import('./workspaces.js');
  console.log('## workspaces: 8 agents on a generated 20,000-file repository with history');
  const results = await runWorkspaceBench({ files: 20_000, agents: 8 });
  const floor = results.find((r) => r.method.includes('floor'))!;
  table(
    ['method', 'seconds', 'disk MB', 'time vs floor'],
    results.map((r) => [r.method, r.seconds.toFixed(2), r.diskMb.toFixed(0), (r.seconds / floor.seconds).toFixed(2)]),
  );
}

if (wanted('startup')) {
  const { runStartupBench } = await import('./startup.js');
  console.log('## start-up and keys, in a real pty (120×40)');
  const r = await runStartupBench({ aiderBin: aiderBin(), launches: 9, keystrokes: 30 });
  table(
    ['measure', 'p50 ms', 'p95 ms', 'runs'],
    [
      ['launch → first frame', median(r.firstFrameMs).toFixed(0), p95(r.firstFrameMs).toFixed(0), r.firstFrameMs.length],
      ['launch → PRD screen (checks passed)', median(r.prdScreenMs).toFixed(0), p95(r.prdScreenMs).toFixed(0), r.prdScreenMs.length],
      [
        'key z (zoom) → frame, 8 agents waiting on the model',
        median(r.keyToFrameMs).toFixed(0),
        p95(r.keyToFrameMs).toFixed(0),
        r.keyToFrameMs.length,
      ],
    ],
  );
}

if (wanted('parallel')) {
  const { runParallelBench } = await import('./parallel.js');
  // `--counts=1,2` runs fewer sizes (a quick measurement).
  const counts = process.argv
    .find((arg) => arg.startsWith('--counts='))
    ?.slice('--counts='.length)
    .split(',')
    .map(Number) ?? [1, 2, 4, 8];
  // `--supervisor`: the supervisor drives two turns per agent; `--repo=<git dir or URL>`: a real target.
  const supervisor = process.argv.includes('--supervisor');
  const repo = process.argv.find((arg) => arg.startsWith('--repo='))?.slice('--repo='.length);
  console.log(
    `## parallel efficiency: N one-file tasks${repo ? ` in a clone of ${repo}` : ''}, PRD answered after 10 s (aiders start warm meanwhile), model latency 10 s, real aider${supervisor ? ', the supervisor driving two turns per agent' : ''}`,
  );
  const { results, aiderStartSeconds } = await runParallelBench({
    aiderBin: aiderBin(),
    counts,
    latencyMs: 10_000,
    prdDelayMs: 10_000,
    supervisor,
    repo,
  });
  table(
    ['agents', 'wall s', 'wall(N) / wall(1)', 'approve → all spawned s', 'approve → all at the model s', 'aider alone s'],
    results.map((r) => [
      r.agents,
      r.wallSeconds.toFixed(1),
      r.efficiency.toFixed(2),
      r.approveToSpawnedSeconds.toFixed(2),
      r.approveToStartedSeconds.toFixed(2),
      Number.isNaN(r.aiderAloneSeconds) ? '–' : r.aiderAloneSeconds.toFixed(2),
    ]),
  );
  console.log(`aider's own start-up (\`aider --version\`, Python imports): ${aiderStartSeconds.toFixed(2)} s\n`);
}

if (wanted('session')) {
  const { runSessionBench } = await import('./session.js');
  console.log('## session: the same turns typed into one live aider vs one aider process per turn (instant model)');
  const r = await runSessionBench({ aiderBin: aiderBin(), turns: 5 });
  table(
    ['measure', 'p50 ms', 'max ms', 'runs'],
    [
      ['warm start: spawn → aider at its prompt', median(r.readyMs).toFixed(0), Math.max(...r.readyMs).toFixed(0), r.readyMs.length],
      [
        'turn in a live session (sendTurn → prompt, committed)',
        median(r.sessionTurnMs).toFixed(0),
        Math.max(...r.sessionTurnMs).toFixed(0),
        r.sessionTurnMs.length,
      ],
      [
        'turn as one `aider --message-file` process (spawn → exit)',
        median(r.processTurnMs).toFixed(0),
        Math.max(...r.processTurnMs).toFixed(0),
        r.processTurnMs.length,
      ],
    ],
  );
}

if (wanted('memory')) {
  const { runMemoryBench } = await import('./memory.js');
  console.log('## memory: 8 agent terminals with 5,000 lines of scrollback each');
  const r = await runMemoryBench({ agents: 8, lines: 5000 });
  table(
    ['RSS before MB', 'RSS after MB', 'per agent MB'],
    [[r.baselineMb.toFixed(0), r.withTerminalsMb.toFixed(0), r.perAgentMb.toFixed(1)]],
  );
}
