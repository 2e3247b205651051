import type { AgentState } from '../../agents/types.js';

/** Colour and symbol of each agent state (titles, lists, summary). */
export const STATE_STYLE: Record<AgentState, { color: string; symbol: string }> = {
  queued: { color: 'gray', symbol: '…' },
  starting: { color: 'yellow', symbol: '◌' },
  working: { color: 'cyan', symbol: '●' },
  waiting: { color: 'yellow', symbol: '◐' },
  succeeded: { color: 'green', symbol: '✔' },
  failed: { color: 'red', symbol: '✖' },
  stopped: { color: 'magenta', symbol: '■' },
};

export { formatCount } from '../../logs/format.js';

export const formatElapsed = (ms: number): string => {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return m >= 60
    ? `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`
    : `${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
};
