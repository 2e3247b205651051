import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentLog, agentLogPath, readAgentLog } from '../../../src/logs/agentLog.js';
import { Redactor } from '../../../src/logs/redact.js';
import { buildSummary, summaryPath, withSupervisorDecisions, writeSummary } from '../../../src/logs/summary.js';
import type { AgentSummary, DecisionRecord } from '../../../src/logs/types.js';

const agent = (id: number, overrides: Partial<AgentSummary> = {}): AgentSummary => ({
  id,
  branch: `aider-orchestrator/r/agent-${id}`,
  worktree: `/tmp/wt/agent-${id}`,
  task: 'Part 1',
  files: ['a.ts'],
  status: 'succeeded',
  reason: undefined,
  exitCode: 0,
  iterations: 2,
  tokens: { prompt: 100, completion: 20, total: 120 },
  cost: 0.0125,
  durationMs: 1500,
  commits: [{ hash: 'abc', message: 'feat: x' }],
  filesChanged: [{ path: 'a.ts', added: 3, removed: 1 }],
  log: `/tmp/logs/agent${id}_r.jsonl`,
  ...overrides,
});

const input = (agents: AgentSummary[]) => ({
  runId: 'r',
  change: 'Add OTP',
  repo: '/repo',
  baseCommit: 'base',
  prdPath: '/repo/docs/prd/x.md',
  startedAt: new Date('2026-01-01T00:00:00Z'),
  finishedAt: new Date('2026-01-01T00:01:30Z'),
  agents,
  logDir: '/repo/.aider_logs',
  summaryPath: '/repo/.aider_logs/summary_r.json',
});

describe('run summary', () => {
  it('totals iterations, tokens, cost and commits over agents, sorted by agent id', () => {
    const summary = buildSummary(input([agent(2, { status: 'failed', iterations: 1, cost: 0.0025 }), agent(1)]));
    expect(summary.agents.map((a) => a.id)).toEqual([1, 2]);
    expect(summary.totals).toEqual({
      agents: 2,
      succeeded: 1,
      failed: 1,
      stopped: 0,
      iterations: 3,
      tokens: { prompt: 200, completion: 40, total: 240 },
      cost: 0.015,
      commits: 2,
      durationMs: 90_000,
    });
    expect(summary.status).toBe('failed');
  });

  it('is stopped when any agent was stopped, succeeded only when all succeeded', () => {
    expect(buildSummary(input([agent(1), agent(2)])).status).toBe('succeeded');
    expect(buildSummary(input([agent(1, { status: 'failed' }), agent(2, { status: 'stopped' })])).status).toBe('stopped');
    // An agent that never reached a final state counts as failed, never as succeeded.
    expect(buildSummary(input([agent(1, { status: 'working' })])).totals.failed).toBe(1);
  });
});

describe("the supervisor's decisions in the summary", () => {
  const record = (action: DecisionRecord['action'], prompt: number, completion: number, cost: number): DecisionRecord => ({
    time: '2026-01-01T00:00:10.000Z',
    action,
    progress: action === 'failed' ? '' : `after ${action}`,
    thought: 'why',
    message: action === 'instruct' ? 'Do the rest.' : '',
    future: 'next',
    tokens: { prompt, completion, total: prompt + completion },
    cost,
  });
  const decisions = [record('instruct', 1000, 50, 0.0001), record('finish', 1100, 40, 0.0002)];

  it('lists the decisions per agent and adds their tokens and cost into the agent', () => {
    const summary = withSupervisorDecisions(agent(1), decisions);
    expect(summary.decisions).toEqual(decisions);
    expect(summary.supervisor).toEqual({ calls: 2, tokens: { prompt: 2100, completion: 90, total: 2190 }, cost: 0.0003 });
    expect(summary.tokens).toEqual({ prompt: 2200, completion: 110, total: 2310 });
    expect(summary.cost).toBe(0.0128);
  });

  it("counts the supervisor's tokens and cost, failed calls too, in the run's totals", () => {
    const one = withSupervisorDecisions(agent(1), decisions);
    const two = withSupervisorDecisions(agent(2), [record('failed', 500, 0, 0)]);
    const totals = buildSummary(input([one, two])).totals;
    expect(totals.tokens).toEqual({ prompt: 200 + 2100 + 500, completion: 40 + 90, total: 240 + 2190 + 500 });
    expect(totals.cost).toBe(0.0253);
    expect(two.supervisor).toEqual({ calls: 1, tokens: { prompt: 500, completion: 0, total: 500 }, cost: 0 });
  });

  it('keeps an agent without a supervisor as it was, with an empty list', () => {
    const summary = withSupervisorDecisions(agent(1), []);
    expect(summary).toEqual({
      ...agent(1),
      decisions: [],
      supervisor: { calls: 0, tokens: { prompt: 0, completion: 0, total: 0 }, cost: 0 },
    });
  });
});

describe('files a run writes', () => {
  let dir: string;
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes agent<N>_<ts>.jsonl entries as they happen, with secrets masked', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ao-logs-'));
    const file = agentLogPath(path.join(dir, '.aider_logs'), 3, '20260101-000000-abcd');
    expect(path.basename(file)).toBe('agent3_20260101-000000-abcd.jsonl');
    const log = new AgentLog(file, new Redactor(['sk-secret-value-123']));
    log.append('state', { state: 'working' });
    expect(readAgentLog(file)).toHaveLength(1); // on disk before the next event
    log.append('output', { line: 'Authorization: Bearer sk-secret-value-123' });
    const entries = readAgentLog(file);
    expect(entries.map((e) => e.type)).toEqual(['state', 'output']);
    expect(entries[1]!.data).toEqual({ line: 'Authorization: Bearer ***' });
    expect(Number.isNaN(Date.parse(entries[0]!.time))).toBe(false);
    expect(fs.readFileSync(file, 'utf8')).not.toContain('sk-secret-value-123');
    // The folder and the file are the user's alone.
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('reports an unwritable log once and keeps going', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ao-logs-'));
    // A directory where the file should be fails for every user, root included.
    const file = path.join(dir, 'agent1_x.jsonl');
    fs.mkdirSync(file);
    const errors: Error[] = [];
    const log = new AgentLog(file, new Redactor([]), (e) => errors.push(e));
    log.append('a');
    log.append('b');
    expect(errors).toHaveLength(1);
    expect((errors[0] as NodeJS.ErrnoException).code).toBe('EISDIR');
  });

  it('writes summary_<ts>.json whole (temp file + rename), secrets masked', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ao-logs-'));
    const file = summaryPath(path.join(dir, '.aider_logs'), 'r1');
    const decided: DecisionRecord = {
      time: '2026-01-01T00:00:10.000Z',
      action: 'instruct',
      progress: 'p',
      thought: 't',
      message: 'Read AIzaSecretKey0001 from the env',
      future: 'f',
      tokens: { prompt: 1, completion: 1, total: 2 },
      cost: 0,
    };
    const agentWithKey = withSupervisorDecisions(agent(1, { task: 'use key AIzaSecretKey0001' }), [decided]);
    const summary = { ...buildSummary(input([agentWithKey])), summaryPath: file };
    writeSummary(summary, new Redactor(['AIzaSecretKey0001']));
    const text = fs.readFileSync(file, 'utf8');
    expect(JSON.parse(text).agents[0].task).toBe('use key ***');
    expect(JSON.parse(text).agents[0].decisions[0].message).toBe('Read *** from the env');
    expect(fs.readdirSync(path.dirname(file))).toEqual(['summary_r1.json']);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  // A full log folder, honestly: the temp file is a symbolic link to /dev/full, whose every write fails with ENOSPC.
  it('leaves no temp file and no summary when the disk is full, and throws the reason', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ao-logs-'));
    const file = summaryPath(dir, 'r1');
    fs.symlinkSync('/dev/full', `${file}.tmp`);
    const summary = { ...buildSummary(input([agent(1)])), summaryPath: file };
    expect(() => writeSummary(summary, new Redactor([]))).toThrow(/ENOSPC: no space left on device/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('throws the reason when the log folder is a file, leaving nothing', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ao-logs-'));
    fs.writeFileSync(path.join(dir, '.aider_logs'), 'a file');
    const summary = { ...buildSummary(input([agent(1)])), summaryPath: summaryPath(path.join(dir, '.aider_logs'), 'r1') };
    expect(() => writeSummary(summary, new Redactor([]))).toThrow(/EEXIST: file already exists, mkdir/);
    expect(fs.readdirSync(dir)).toEqual(['.aider_logs']);
  });
});
