import type { RunController } from '../orchestrator/types.js';

/** Where the user went: the run's own screens ('run'), or a screen they opened. */
export type View = 'change' | 'run' | 'config' | 'summary';

export type Screen = 'change' | 'prd' | 'assignment' | 'dashboard' | 'summary' | 'config';

/**
 * The one place that decides the screen: the user's view first, then the run's phase. A view
 * whose data is not there yet (a summary not written) falls back to the run. An agent's diff is
 * not a screen of its own: it opens over the dashboard or the summary, which stay as they were.
 */
export const routeScreen = (view: View, run: Pick<RunController, 'phase' | 'plan' | 'summary'>): Screen => {
  if (view === 'change' || view === 'config') return view;
  if (view === 'summary' && run.summary) return 'summary';
  if (run.phase === 'assignment' && run.plan) return 'assignment';
  if (run.phase === 'workspaces' || run.phase === 'agents' || run.phase === 'summary') return 'dashboard';
  return 'prd';
};
