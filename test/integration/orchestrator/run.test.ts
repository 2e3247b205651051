import { EventEmitter, once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import xterm from '@xterm/headless';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { AgentEvents, AgentOptions, AgentResult } from '../../../src/agents/agent.js';
import { emptyUsage, isFinalState, type AgentState, type Usage } from '../../../src/agents/types.js';
import { TerminalViewport } from '../../../src/agents/viewport.js';
import { defaultSettings, type Settings } from '../../../src/config/settings.js';
import { CancelledError } from '../../../src/errors.js';
import type { GeneratedObject, LlmClient, ModelRequest, ObjectRequest, StreamedText } from '../../../src/llm/client.js';
import type { SupervisorDecision, SupervisorOutcome } from '../../../src/llm/supervisor.js';
import { readAgentLog } from '../../../src/logs/agentLog.js';
import { Redactor } from '../../../src/logs/redact.js';
import type { DecisionRecord, RunSummary } from '../../../src/logs/types.js';
import { RunHistory } from '../../../src/orchestrator/history.js';
import { Run } from '../../../src/orchestrator/run.js';
import type { AgentLike, Workspaces } from '../../../src/orchestrator/types.js';
import type { AgentTask } from '../../../src/plan/types.js';
import { waitFor } from '../../support/waitFor.js';
import { makeTempDir } from '../../support/gitRepo.js';

/**
 * An agent the test drives: run() starts working and ends when the test says (finish) or when
 * it is stopped; the commands the run gives it are listed in `calls`.
 */
class FakeAgent extends EventEmitter<AgentEvents> implements AgentLike {
  readonly id: number;
  readonly task: AgentTask;
  readonly title: string;
  readonly description: string;
  readonly files: readonly string[];
  readonly branch: string;
  readonly worktree: string;
  readonly runDir: string;
  readonly maxIterations: number;
  readonly viewport: TerminalViewport;
  readonly calls: string[] = [];
  state: AgentState = 'queued';
  reason: string | undefined;
  usage: Usage = emptyUsage();
  startedAt: number | undefined;
  finishedAt: number | undefined;
  private readonly terminal: xterm.Terminal;
  private ending: ((result: AgentResult) => void) | undefined;
  private supervising: AbortController | undefined;

  constructor(readonly options: AgentOptions) {
    super();
    this.task = options.task;
    this.id = options.task.agent;
    this.title = options.task.title;
    this.description = options.task.description;
    this.files = options.task.files;
    this.branch = options.branch;
    this.worktree = options.worktree;
    this.runDir = options.runDir;
    this.maxIterations = options.maxIterations;
    this.terminal = new xterm.Terminal({ cols: 40, rows: 10, allowProposedApi: true });
    this.viewport = new TerminalViewport(this.terminal);
  }

  result(): AgentResult {
    const { state, reason, usage, startedAt, finishedAt } = this;
    return { state, reason, exitCode: undefined, usage, startedAt, finishedAt };
  }

  run(): Promise<AgentResult> {
    this.calls.push('run');
    this.startedAt = Date.now();
    this.setState('working');
    return new Promise((resolve) => {
      this.ending = resolve;
    });
  }

  /** Ends the current run() (the test's "the agent is done"). */
  finish(state: AgentState, reason?: string): void {
    this.usage = { ...this.usage, iterations: this.usage.iterations + 1 };
    this.emit('usage', this.usage);
    this.end(state, reason);
  }

  /** One supervisor call, as the real agent makes it after a turn: the outcome becomes a `decision` event. */
  async supervise(turnOutput: string): Promise<SupervisorOutcome> {
    const supervisor = this.options.supervisor;
    if (!supervisor) throw new Error(`agent ${this.id} has no supervisor`);
    const call = new AbortController();
    this.supervising = call;
    const outcome = await supervisor(
      {
        task: { title: this.title, description: this.description, files: this.files },
        prd: this.options.prd,
        turnOutput,
        commits: [],
        diff: '',
        checkCommand: undefined,
        iterations: this.usage.iterations,
        maxIterations: this.maxIterations,
      },
      call.signal,
    );
    this.supervising = undefined;
    this.emit('decision', outcome, new Date());
    return outcome;
  }

  async stop(reason?: string): Promise<void> {
    this.calls.push('stop');
    // As the real agent: a stop cancels its supervisor call in flight.
    this.supervising?.abort();
    if (!isFinalState(this.state)) this.end('stopped', reason ?? 'stopped by the user');
  }

  prepareRestart(): void {
    this.calls.push('restart');
    this.setState('queued');
  }

  prepareFollowUp(message: string): void {
    this.calls.push(`follow-up ${message}`);
    this.setState('queued');
  }

  async closeIdleSession(): Promise<void> {
    this.calls.push('closeIdleSession');
  }

  dispose(): void {
    this.calls.push('dispose');
    this.terminal.dispose();
  }

  write(): void {}

  resize(): void {}

  private end(state: AgentState, reason: string | undefined): void {
    this.finishedAt = Date.now();
    this.setState(state, reason);
    const ending = this.ending;
    this.ending = undefined;
    ending?.(this.result());
  }

  private setState(state: AgentState, reason?: string): void {
    this.state = state;
    this.reason = reason;
    this.emit('state', state, reason);
  }
}

/** Workspaces without git: each agent gets a folder name under the test's directory (never made). */
class FakeWorkspaces implements Workspaces {
  readonly calls: string[] = [];

  constructor(private readonly dir: string) {}

  prepare(count: number): void {
    this.calls.push(`prepare ${count}`);
  }

  async preparedPath(): Promise<string | undefined> {
    return undefined;
  }

  async acquire(agent: number, branch: string): Promise<string> {
    this.calls.push(`acquire ${agent} ${branch}`);
    return path.join(this.dir, `agent-${agent}`);
  }

  async discard(): Promise<void> {
    this.calls.push('discard');
  }

  async release(): Promise<void> {
    this.calls.push('release');
  }
}

/** The supervisor model, in memory: each generateObject answers the next queued decision ('hang': none until its signal aborts). */
class FakeLlm implements LlmClient {
  readonly requests: ObjectRequest[] = [];

  constructor(private readonly decisions: (SupervisorDecision | 'hang')[] = []) {}

  providerName(): string {
    return 'Fake';
  }

  async streamText(_request: ModelRequest): Promise<StreamedText> {
    throw new Error('this test writes no PRD');
  }

  async generateObject(request: ObjectRequest): Promise<GeneratedObject> {
    this.requests.push(request);
    const decision = this.decisions.shift();
    if (!decision) throw new Error('the test queued no more decisions');
    if (decision === 'hang') {
      const { signal } = request;
      if (!signal) throw new Error('a supervisor request without a signal could never be cancelled');
      return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new CancelledError()), { once: true }));
    }
    return { value: decision, usage: { prompt: 100, completion: 20, total: 120 } };
  }
}

const task = (agent: number): AgentTask => ({
  agent,
  title: `Task ${agent}`,
  description: `Change f${agent}.ts`,
  files: [`f${agent}.ts`],
  attempt: 1,
});

/** A real Run over fake agents and workspaces, a real history in a temp data folder; everything ends with the test. */
const startRun = (options: { agents?: number; settings?: Partial<Settings>; llm?: LlmClient } = {}) => {
  const temp = makeTempDir('ao-run-');
  onTestFinished(temp.cleanup);
  const settings: Settings = {
    ...defaultSettings(),
    dataDir: path.join(temp.dir, 'data'),
    logDir: path.join(temp.dir, 'logs'),
    maxAgents: 4,
    agentsPerTask: 1,
    supervisor: false,
    ...options.settings,
  };
  fs.mkdirSync(settings.dataDir, { recursive: true });
  const history = RunHistory.inDataDir(settings.dataDir);
  let historyOpen = true;
  /** Closes the run's history (a test makes its writes fail with it). */
  const closeHistory = () => {
    if (historyOpen) history.close();
    historyOpen = false;
  };
  onTestFinished(closeHistory);
  const agents = new Map<number, FakeAgent>();
  const workspaces = new FakeWorkspaces(path.join(temp.dir, 'worktrees'));
  const runId = '20260101-000000-abcd';
  const run = new Run({
    runId,
    change: 'Add a greeting',
    repoRoot: temp.dir,
    baseCommit: 'a'.repeat(40),
    settings,
    files: undefined,
    trackedFiles: [],
    repoContext: '',
    llm: options.llm ?? new FakeLlm(),
    aiderBin: '/nonexistent/aider',
    agentEnv: {},
    redactor: new Redactor([]),
    terminalSize: { cols: 80, rows: 24 },
    history,
    createAgent: (agentOptions) => {
      const agent = new FakeAgent(agentOptions);
      agents.set(agent.id, agent);
      return agent;
    },
    workspaces,
  });
  onTestFinished(() => run.dispose());
  const warnings: string[] = [];
  run.on('run:warning', (message) => warnings.push(message));
  const decisions: [number, DecisionRecord][] = [];
  run.on('agent:decision', (agent, decision) => decisions.push([agent, decision]));
  run.setPlan({ tasks: Array.from({ length: options.agents ?? 2 }, (_, i) => task(i + 1)), unassigned: [] });
  const agent = (id: number): FakeAgent => {
    const found = agents.get(id);
    if (!found) throw new Error(`no agent ${id} was made`);
    return found;
  };
  const working = () => waitFor(() => agents.size > 0 && [...agents.values()].every((a) => a.state === 'working'), 'every agent working');
  const readSummary = (summary: RunSummary): RunSummary => {
    if (!summary.summaryPath) throw new Error('the summary has no file');
    return JSON.parse(fs.readFileSync(summary.summaryPath, 'utf8')) as RunSummary;
  };
  return { run, runId, history, closeHistory, agent, agents, workspaces, warnings, decisions, working, readSummary };
};

describe('Run with fake agents', () => {
  it('stopAll while agents work: the run ends stopped, with a summary, every agent stopped', async () => {
    const { run, runId, history, agents, workspaces, working, readSummary } = startRun();
    const finished = run.startAgents();
    await working();
    expect(run.phase).toBe('agents');

    await run.stopAll();
    const summary = await finished;

    expect(summary.status).toBe('stopped');
    expect(run.phase).toBe('summary');
    expect(readSummary(summary).agents.map((a) => [a.id, a.status])).toEqual([
      [1, 'stopped'],
      [2, 'stopped'],
    ]);
    for (const agent of agents.values()) expect(agent.calls).toEqual(['run', 'stop']);
    expect(workspaces.calls).toEqual([
      'acquire 1 aider-orchestrator/20260101-000000-abcd/agent-1',
      'acquire 2 aider-orchestrator/20260101-000000-abcd/agent-2',
      'release',
    ]);
    expect(history.getRun(runId)?.status).toBe('stopped');
    expect(history.agentsOf(runId).map((a) => a.state)).toEqual(['stopped', 'stopped']);
  });

  it('a restart after the summary runs the agent again and writes a new summary and history', async () => {
    const { run, runId, history, agent, working, readSummary } = startRun();
    const finished = run.startAgents();
    await working();
    agent(1).finish('succeeded');
    agent(2).finish('succeeded');
    const first = await finished;
    expect(first.status).toBe('succeeded');
    expect(history.getRun(runId)?.status).toBe('succeeded');

    const phases: string[] = [];
    run.on('run:phase', (phase) => phases.push(phase));
    const next = once(run, 'run:summary') as Promise<[RunSummary]>;
    run.restartAgent(1);
    expect(run.phase).toBe('agents');
    expect(history.getRun(runId)?.status).toBe('running');
    await waitFor(() => agent(1).state === 'working', 'agent 1 working again');
    expect(history.agentsOf(runId)[0]?.state).toBe('working');
    agent(1).finish('failed', 'the check command failed');
    const [second] = await next;

    expect(phases).toEqual(['agents', 'summary']);
    expect(agent(1).calls).toEqual(['run', 'restart', 'run']);
    expect(agent(2).calls).toEqual(['run']);
    expect(second.status).toBe('failed');
    expect(run.summary).toBe(second);
    expect(readSummary(second).agents.map((a) => [a.status, a.reason ?? null])).toEqual([
      ['failed', 'the check command failed'],
      ['succeeded', null],
    ]);
    expect(history.getRun(runId)?.status).toBe('failed');
    expect(history.agentsOf(runId).map((a) => [a.state, a.reason ?? null])).toEqual([
      ['failed', 'the check command failed'],
      ['succeeded', null],
    ]);
  });

  it('a history that cannot be written: one warning, the run still finishes with its summary', async () => {
    const { run, runId, agent, closeHistory, warnings, working, readSummary } = startRun();
    // The run is recorded before its agents start; then the database goes away.
    run.on('run:phase', (phase) => {
      if (phase === 'agents') closeHistory();
    });
    const finished = run.startAgents();
    await working();
    agent(1).finish('succeeded');
    agent(2).finish('succeeded');
    const summary = await finished;

    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^cannot write the run history \(.+\); the run goes on, resume will not know it$/);
    expect(summary.status).toBe('succeeded');
    expect(readSummary(summary).agents.map((a) => a.status)).toEqual(['succeeded', 'succeeded']);
    // What was written before the failure stays; nothing after it.
    const reopened = RunHistory.inDataDir(run.settings.dataDir);
    onTestFinished(() => reopened.close());
    expect(reopened.getRun(runId)?.status).toBe('running');
    expect(reopened.agentsOf(runId).map((a) => a.state)).toEqual(['queued', 'queued']);
  });

  it("the supervisor's decisions reach the agent's log, the summary and agent:decision events", async () => {
    const llm = new FakeLlm([
      { progress: 'half done', thought: 'the tests are missing', action: 'instruct', message: 'Add a test', future: 'finish' },
      { progress: 'done', thought: 'all there', action: 'finish', message: '', future: '' },
    ]);
    const { run, runId, history, agent, decisions, working, readSummary } = startRun({ agents: 1, settings: { supervisor: true }, llm });
    const finished = run.startAgents();
    await working();
    await agent(1).supervise('Applied edit to f1.ts');
    await agent(1).supervise('Added test_f1.ts');
    agent(1).finish('succeeded');
    const summary = await finished;

    expect(llm.requests).toHaveLength(2);
    expect(llm.requests[0]?.prompt).toContain('Applied edit to f1.ts');
    expect(decisions.map(([id, d]) => [id, d.action, d.progress])).toEqual([
      [1, 'instruct', 'half done'],
      [1, 'finish', 'done'],
    ]);
    const [written] = readSummary(summary).agents;
    expect(written?.decisions?.map((d) => [d.action, d.message, d.tokens.total])).toEqual([
      ['instruct', 'Add a test', 120],
      ['finish', '', 120],
    ]);
    expect(written?.supervisor).toMatchObject({ calls: 2, tokens: { total: 240 } });
    expect(written?.tokens.total).toBe(240);
    if (!written) throw new Error('no agent in the summary');
    const logged = readAgentLog(written.log).filter((entry) => entry.type === 'supervisor');
    expect(logged.map((entry) => (entry.data as DecisionRecord).action)).toEqual(['instruct', 'finish']);
    // The history keeps them too: a summary rewritten after resume or a follow-up still lists them.
    expect(history.agentsOf(runId)[0]?.decisions?.map((d) => [d.action, d.progress])).toEqual([
      ['instruct', 'half done'],
      ['finish', 'done'],
    ]);
  });

  it("stopping an agent cancels its supervisor call; the run's other agents go on", async () => {
    const finish = { progress: 'done', thought: 'all there', action: 'finish', message: '', future: '' } as const;
    const llm = new FakeLlm(['hang', finish]);
    const { run, agent, decisions, working } = startRun({ agents: 2, settings: { supervisor: true }, llm });
    const finished = run.startAgents();
    await working();
    const asked = agent(1).supervise('Applied edit to f1.ts');
    await waitFor(() => llm.requests.length === 1, "agent 1's supervisor request");

    await run.stopAgent(1);
    const outcome = await asked;

    expect(outcome).toMatchObject({ ok: false, cancelled: true });
    expect(llm.requests[0]?.signal?.aborted).toBe(true);
    expect(agent(1).state).toBe('stopped');
    // The run itself was not cancelled: agent 2's supervisor still answers.
    expect(await agent(2).supervise('Applied edit to f2.ts')).toMatchObject({ ok: true, decision: { action: 'finish' } });
    expect(llm.requests[1]?.signal?.aborted).toBe(false);
    // A cancelled call is no decision: only agent 2's is kept.
    expect(decisions.map(([id, d]) => [id, d.action])).toEqual([[2, 'finish']]);
    agent(2).finish('succeeded');
    const summary = await finished;
    expect(summary.agents.map((a) => [a.status, a.decisions?.length])).toEqual([
      ['stopped', 0],
      ['succeeded', 1],
    ]);
  });
});
