import type { RunController } from './types.js';

/**
 * What Ctrl-C (a key in the TUI, a signal headless or from outside) does to a run, in every
 * front end: agents at work are stopped cleanly and the summary is written ('stop'); before
 * they start the run is cancelled ('cancel'); once the summary exists the app just quits ('quit').
 */
export type InterruptAction = 'stop' | 'cancel' | 'quit';

export const interruptAction = (run: Pick<RunController, 'phase' | 'summary'>): InterruptAction => {
  if (run.phase === 'summary' && run.summary) return 'quit';
  if (run.phase === 'agents' || run.phase === 'workspaces') return 'stop';
  return 'cancel';
};
