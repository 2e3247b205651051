import xterm from '@xterm/headless';
import { aiderLikeChunk } from './aiderLikeOutput.js';

/** RSS of 8 agent terminals (120×40) holding 5,000 lines of scrollback each, as the app keeps them. */
export const runMemoryBench = async (options: {
  agents: number;
  lines: number;
}): Promise<{ baselineMb: number; withTerminalsMb: number; perAgentMb: number }> => {
  globalThis.gc?.();
  const baseline = process.memoryUsage().rss;
  const terminals = Array.from(
    { length: options.agents },
    () => new xterm.Terminal({ cols: 120, rows: 40, scrollback: options.lines, allowProposedApi: true }),
  );
  for (const [i, terminal] of terminals.entries()) {
    let lines = 0;
    for (let seed = i * 1000; lines < options.lines + 40; seed += 1) {
      const chunk = aiderLikeChunk(seed, 8192);
      lines += chunk.split('\n').length - 1;
      await new Promise<void>((resolve) => terminal.write(chunk, resolve));
    }
  }
  globalThis.gc?.();
  const withTerminals = process.memoryUsage().rss;
  const result = {
    baselineMb: baseline / 2 ** 20,
    withTerminalsMb: withTerminals / 2 ** 20,
    perAgentMb: (withTerminals - baseline) / 2 ** 20 / options.agents,
  };
  terminals.forEach((terminal) => terminal.dispose());
  return result;
};
