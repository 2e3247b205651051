import { describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../../src/orchestrator/exitCode.js';
import { formatSummaryTable } from '../../../src/cli/summaryTable.js';
import { buildSummary } from '../../../src/logs/summary.js';

const summary = buildSummary({
  runId: 'r',
  change: 'c',
  repo: '/repo',
  baseCommit: 'b',
  prdPath: '/repo/docs/prd/p.md',
  startedAt: new Date(0),
  finishedAt: new Date(75_000),
  logDir: '/repo/.aider_logs',
  summaryPath: '/repo/.aider_logs/summary_r.json',
  agents: [1, 2].map((id) => ({
    id,
    branch: `aider-orchestrator/r/agent-${id}`,
    worktree: `/data/worktrees/r/agent-${id}`,
    task: 't',
    files: [],
    status: id === 1 ? ('succeeded' as const) : ('failed' as const),
    reason: id === 2 ? 'LLM request failed: 500' : undefined,
    exitCode: 0,
    iterations: id,
    tokens: { prompt: 1000, completion: 234, total: 1234 },
    cost: 0,
    durationMs: 61_000,
    commits: id === 1 ? [{ hash: 'h', message: 'm' }] : [],
    filesChanged: [],
    log: '',
  })),
});

describe('headless summary table', () => {
  it('has a row per agent, totals, failure reasons and where the files are', () => {
    const lines = formatSummaryTable(summary).split('\n');
    expect(lines[0]).toMatch(/^agent\s+status\s+iter\s+tokens/);
    expect(lines[1]).toMatch(/^1\s+succeeded\s+1\s+1\.2k\s+\$0\.0000\s+1m01s\s+1\s+0\s+aider-orchestrator\/r\/agent-1$/);
    expect(lines[2]).toMatch(/^2\s+failed\s+2\s/);
    expect(lines[3]).toMatch(/^total\s+1\/2 ok\s+3\s+2\.5k\s+\$0\.0000\s+1m15s\s+1/);
    expect(lines).toContain('agent 2 failed: LLM request failed: 500');
    expect(lines).toContain('Summary: /repo/.aider_logs/summary_r.json');
  });

  it('maps run status to the documented exit codes', () => {
    expect([exitCodeFor('succeeded'), exitCodeFor('failed'), exitCodeFor('stopped')]).toEqual([0, 1, 130]);
  });
});
