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

/** Best of n: each task's verdict, one line each (none when every task had one attempt). */
const verdictLines = (summary: RunSummary): string[] => {
  const lines: string[] = [];
  const tasks = [...new Set(summary.agents.flatMap((a) => (a.attempt ? [a.attempt.task] : [])))];
  for (const task of tasks) {
    const attempts = summary.agents.filter((a) => a.attempt?.task === task);
    const winner = attempts.find((a) => a.winner);
    if (!winner) {
      lines.push(`task ${task}: no winner (no attempt of agents ${attempts.map((a) => a.id).join(', ')} succeeded)`);
      continue;
    }
    lines.push(`task ${task}: agent ${winner.id} wins (${winner.judgement?.by ?? '?'}): ${winner.judgement?.reason ?? ''}`);
    const saving = winner.firstWins;
    if (saving && saving.stopped.length > 0) {
      lines.push(
        `  --first-wins stopped agent${saving.stopped.length === 1 ? '' : 's'} ${saving.stopped.join(', ')} after $${saving.stoppedCost.toFixed(4)}; estimated saving $${saving.estimatedCostAvoided.toFixed(4)} (if each had cost what the winner did)`,
      );
    }
  }
  return lines;
};

/** The table headless mode prints at the end: one row per agent, then totals and paths. */
export const formatSummaryTable = (summary: RunSummary): string => {
  const bestOfN = summary.agents.some((a) => a.attempt);
  const rows = [['agent', ...(bestOfN ? ['task'] : []), 'status', 'iter', 'tokens', 'cost', 'time', 'commits', 'files', 'branch']];
  for (const a of summary.agents) {
    rows.push([
      String(a.id),
      ...(bestOfN ? [a.attempt ? `${a.attempt.task}/${a.attempt.attempt}${a.winner ? ' win' : ''}` : ''] : []),
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
    ...(bestOfN ? [''] : []),
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
    ...verdictLines(summary),
    '',
    `PRD:     ${summary.prdPath ?? '(none)'}`,
    `Logs:    ${summary.logDir}`,
    `Summary: ${summary.summaryPath ?? '(not written)'}`,
    ...(t.commits > 0
      ? [`Merge a branch with: git merge <branch>   (worktrees: ${summary.agents[0]?.worktree.replace(/agent-\d+$/, '')})`]
      : []),
  ].join('\n');
};
