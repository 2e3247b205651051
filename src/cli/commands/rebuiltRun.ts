import type { Run } from '../../orchestrator/run.js';
import { runHeadless } from '../headless.js';
import { runInTui } from '../tui.js';
import { isHeadless, terminalSize } from './command.js';

/**
 * How a command that rebuilds a run from the history (`resume`, `follow-up`) shows it: headless
 * (asked for, or no terminal) its warnings go to stderr at once; in the TUI they are shown when it
 * opens, and finished agents' aiders stay at their prompt for a follow-up.
 */
export const rebuiltRunSurface = (headlessFlag: boolean | undefined) => {
  const headless = isHeadless(headlessFlag);
  const warnings: string[] = [];
  return {
    terminalSize: terminalSize(headless),
    warn: (message: string) => (headless ? process.stderr.write(`warning: ${message}\n`) : warnings.push(message)),
    keepIdleSessions: !headless,
    /** Drives the run to its summary; its exit code. */
    drive: (run: Run): Promise<number> => (headless ? runHeadless(run) : runInTui(run, { warnings, yes: true })),
  };
};
