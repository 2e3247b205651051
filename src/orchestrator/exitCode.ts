import type { RunSummary } from '../logs/types.js';

/** The process exit code of a finished run (README "Exit codes"). */
export const exitCodeFor = (status: RunSummary['status']): number => (status === 'succeeded' ? 0 : status === 'stopped' ? 130 : 1);

/** Exit code when the user cancels before any agent started. */
export const EXIT_CANCELLED = 130;
