import type { Run } from '../orchestrator/run.js';
import { onInterrupt } from './interrupts.js';

/** Starts loading Ink, React and the screens (the TUI's first frame waits on them). */
export const preloadTui = () => import('../ui/runTui.js').then(() => undefined, () => undefined);

/**
 * The TUI for a run. Ctrl-C inside the app is a key (raw mode); a SIGTERM or SIGINT from
 * outside stops the agents cleanly too (a second one forces), so the summary is written.
 */
export const runInTui = async (run: Run, options: { warnings: string[]; yes: boolean }): Promise<number> => {
  const { runTui } = await import('../ui/runTui.js');
  const interrupt = new AbortController();
  const removeInterruptHandler = onInterrupt((_signal, count) => {
    if (count > 1) {
      run.dispose();
      process.exit(130);
    }
    interrupt.abort();
  });
  try {
    return await runTui(run, { ...options, interrupt: interrupt.signal });
  } finally {
    removeInterruptHandler();
  }
};
