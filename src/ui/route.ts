import type { RunController } from '../orchestrator/types.js';

/** Where the user went: the run's own screens ('run'), or a screen they opened. */
export type View = 'change' | 'run' | 'config' | 'summary' | 'diff';

export type Screen = 'change' | 'prd' | 'assignment' | 'dashboard' | 'summary' | 'diff' | 'config';

/**
 * The one place that decides the screen: the user's view first, then the run's phase. A view
 * whose data is not there yet (a diff not asked for, a summary not written) falls back to the run.
 */
export const routeScreen = (view: View, run: Pick<RunController, 'phase' | 'plan' | 'summary'>, hasDiff: boolean): Screen => {
  if (view === 'change' || view === 'config') return view;
  if (view === 'diff' && hasDiff) return 'diff';
  if ((view === 'summary' || view === 'diff') && run.summary) return 'summary';
  if (run.phase === 'assignment' && run.plan) return 'assignment';
  if (run.phase === 'workspaces' || run.phase === 'agents' || run.phase === 'summary') return 'dashboard';
  return 'prd';
};
