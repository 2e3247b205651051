import { formatCount } from '../logs/format.js';
import type { RunSummary } from '../logs/types.js';

const formatDuration = (ms: number): string => {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
};

const table = (rows: string[][]): string => {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, col) => cell.padEnd(widths[col]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
};

/** The table headless mode prints at the end: one row per agent, then totals and paths. */
export const formatSummaryTable = (summary: RunSummary): string => {
  const rows = [['agent', 'status', 'iter', 'tokens', 'cost', 'time', 'commits', 'files', 'branch']];
  for (const a of summary.agents) {
    rows.push([
      String(a.id),
      a.status,
      String(a.iterations),
      formatCount(a.tokens.total),
      `$${a.cost.toFixed(4)}`,
      formatDuration(a.durationMs),
      String(a.commits.length),
      String(a.filesChanged.length),
      a.branch,
    ]);
  }
  const t = summary.totals;
  rows.push([
    'total',
    `${t.succeeded}/${t.agents} ok`,
    String(t.iterations),
    formatCount(t.tokens.total),
    `$${t.cost.toFixed(4)}`,
    formatDuration(t.durationMs),
    String(t.commits),
    '',
    '',
  ]);
  const reasons = summary.agents.filter((a) => a.reason && a.status !== 'succeeded').map((a) => `agent ${a.id} ${a.status}: ${a.reason}`);
  return [
    table(rows),
    ...reasons,
    '',
    `PRD:     ${summary.prdPath ?? '(none)'}`,
    `Logs:    ${summary.logDir}`,
    `Summary: ${summary.summaryPath ?? '(not written)'}`,
    ...(t.commits > 0
      ? [`Merge a branch with: git merge <branch>   (worktrees: ${summary.agents[0]?.worktree.replace(/agent-\d+$/, '')})`]
      : []),
  ].join('\n');
};
