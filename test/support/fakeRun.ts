import { EventEmitter } from 'node:events';
import xterm from '@xterm/headless';
import { emptyUsage, type AgentState, type AgentView, type Usage } from '../../src/agents/types.js';
import { TerminalViewport } from '../../src/agents/viewport.js';
import { defaultSettings, type Settings } from '../../src/config/settings.js';
import type { RunSummary } from '../../src/logs/types.js';
import type { RunEvents, RunPhase } from '../../src/orchestrator/events.js';
import type { PullRequestOffer, RunController } from '../../src/orchestrator/types.js';
import type { Plan } from '../../src/plan/types.js';

/** An agent for screen tests: a real headless terminal, state set by the test. */
export class TestAgent implements AgentView {
  state: AgentState = 'working';
  reason: string | undefined;
  usage: Usage = emptyUsage();
  maxIterations = 10;
  supervision: AgentView['supervision'];
  startedAt: number | undefined = Date.now();
  finishedAt: number | undefined;
  readonly terminal: xterm.Terminal;
  readonly viewport: TerminalViewport;
  readonly written: string[] = [];
  readonly sizes: [number, number][] = [];

  constructor(
    readonly id: number,
    readonly files: readonly string[] = [],
    readonly title = `Task ${id}`,
  ) {
    this.terminal = new xterm.Terminal({ cols: 40, rows: 10, allowProposedApi: true, scrollback: 100 });
    this.viewport = new TerminalViewport(this.terminal);
  }

  get branch() {
    return `aider-orchestrator/test/agent-${this.id}`;
  }

  get worktree() {
    return `/tmp/worktrees/agent-${this.id}`;
  }

  /** Writes to the terminal and waits until it has parsed the bytes. */
  print(data: string): Promise<void> {
    return new Promise((resolve) => this.terminal.write(data, resolve));
  }

  write(data: string): void {
    this.written.push(data);
  }

  resize(cols: number, rows: number): void {
    this.sizes.push([cols, rows]);
    this.terminal.resize(cols, rows);
  }
}

/**
 * The run as the screens see it (RunController), in memory: the test sets its fields,
 * emits its events, and reads which commands the screens sent.
 */
export class TestRun extends EventEmitter<RunEvents> implements RunController {
  runId = '20260101-000000-test';
  phase: RunPhase = 'prd';
  change = 'Add a greeting';
  settings: Settings = { ...defaultSettings(), maxAgents: 4 };
  prd = '';
  prdPath: string | undefined;
  plan: Plan | undefined;
  maxAgents = 4;
  agents: TestAgent[] = [];
  summary: RunSummary | undefined;
  readonly calls: string[] = [];

  setPhase(phase: RunPhase): void {
    this.phase = phase;
    this.emit('run:phase', phase);
  }

  setChange(text: string): void {
    this.calls.push(`setChange ${text}`);
    this.change = text;
  }

  async generatePrd(feedback?: string): Promise<void> {
    this.calls.push(feedback ? `generatePrd ${feedback}` : 'generatePrd');
  }

  setPrd(text: string): void {
    this.calls.push('setPrd');
    this.prd = text;
    this.emit('prd:edited', text);
  }

  async approvePrd(): Promise<void> {
    this.calls.push('approvePrd');
  }

  setPlan(plan: Plan): void {
    this.calls.push('setPlan');
    this.plan = plan;
  }

  async startAgents(): Promise<RunSummary> {
    this.calls.push('startAgents');
    return new Promise(() => {}); // the test decides when the run ends
  }

  async stopAgent(agent: number): Promise<void> {
    this.calls.push(`stopAgent ${agent}`);
  }

  async merge(options: { resolve?: boolean } = {}): Promise<string[]> {
    this.calls.push(options.resolve ? 'merge --resolve' : 'merge');
    return options.resolve
      ? ['merged agents 1, 2 into aider-orchestrator/test/merged', 'agent 2 conflicted in a.py: resolved by an agent and merged']
      : ['merged agent 1 into aider-orchestrator/test/merged'];
  }

  /** What `p` offers; a test may replace it (a failure, another plan). */
  pullRequestOffer: () => Promise<PullRequestOffer> = async () => ({
    lines: ['push aider-orchestrator/test/merged (agent 1) and open a pull request into main'],
    question: 'Push aider-orchestrator/test/merged to origin and open a pull request in octo/app into main?',
    open: async () => {
      this.calls.push('openPullRequests');
      return ['opened pull request #1 for aider-orchestrator/test/merged: https://github.com/octo/app/pull/1'];
    },
  });

  async preparePullRequests(): Promise<PullRequestOffer> {
    this.calls.push('preparePullRequests');
    return this.pullRequestOffer();
  }

  async diff(agent: number): Promise<string> {
    this.calls.push(`diff ${agent}`);
    return `diff --git a/x b/x\n+added line of agent ${agent}\n`;
  }

  restartAgent(agent: number): void {
    this.calls.push(`restartAgent ${agent}`);
  }

  async pickWinner(agent: number): Promise<void> {
    this.calls.push(`pickWinner ${agent}`);
  }

  /** Follow-up messages the screens sent, by agent, in order. */
  readonly followUps: { agent: number; message: string }[] = [];
  /** Agents whose worktree the test removed. */
  readonly worktreesGone = new Set<number>();

  followUp(agent: number, message: string): void {
    this.calls.push(`followUp ${agent}`);
    this.followUps.push({ agent, message });
  }

  hasWorktree(agent: number): boolean {
    return !this.worktreesGone.has(agent);
  }

  async stopAll(): Promise<void> {
    this.calls.push('stopAll');
  }

  cancel(): void {
    this.calls.push('cancel');
  }
}

export const KEYS = {
  up: '\x1b[A',
  down: '\x1b[B',
  enter: '\r',
  escape: '\x1b',
  tab: '\t',
  pageUp: '\x1b[5~',
  pageDown: '\x1b[6~',
  home: '\x1b[H',
  end: '\x1b[F',
  backspace: '\x7f',
} as const;
