import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import type { AgentResult, SupervisorCall, WarmSession } from '../agents/agent.js';
import type { SessionReady } from '../agents/aiderSession.js';
import type { SetupResult, WorktreeSetup } from '../agents/worktreeSetup.js';
import { isFinalState, type AgentView } from '../agents/types.js';
import { supervisorModelOf, type Settings } from '../config/settings.js';
import { UserError } from '../errors.js';
import { diffSince } from '../git/commits.js';
import { agentBranchName, WorkspacePool } from '../git/worktrees.js';
import type { LlmClient } from '../llm/client.js';
import { makePrivateDir } from '../logs/privateFiles.js';
import { generatePrd } from '../llm/prd.js';
import { savePrd } from '../llm/prd.js';
import { proposePlan } from '../llm/planner.js';
import { pickAttempt } from '../llm/judge.js';
import { decideNextStep, decisionRecord } from '../llm/supervisor.js';
import { costOf, modelPrice } from '../agents/modelPrices.js';
import { AgentLog, agentLogPath } from '../logs/agentLog.js';
import type { Redactor } from '../logs/redact.js';
import { runStatusOf, withPullRequests, writeSummary } from '../logs/summary.js';
import type { DecisionRecord, RunSummary } from '../logs/types.js';
import { planFromFiles, planFromProposal } from '../plan/build.js';
import type { AgentTask, Plan } from '../plan/types.js';
import { plannedPaths, validatePlan } from '../plan/validate.js';
import type { RunEvents, RunPhase } from './events.js';
import { describeMerge, mergeOptionsFor, mergeRecord, mergeRun } from './merge.js';
import {
  describeOutcomes,
  describePlan,
  githubToken,
  openPullRequests,
  planPullRequests,
  planQuestion,
  pullRequestsOf,
  recordPullRequests,
  type RunToShip,
} from './pullRequest.js';
import type { AgentRecord, RunHistory } from './history.js';
import { HistoryRecorder } from './historyRecorder.js';
import { AttemptJudging, type TaskVerdict } from './judging.js';
import { assembleRunSummary, writeRunSummary } from './runSummary.js';
import { Scheduler } from './scheduler.js';
import type { AgentFactory, AgentLike, PullRequestOffer, RunController, Workspaces } from './types.js';

/**
 * At most this many workspaces are prepared while the PRD is read (the plan may use fewer; a
 * big repository's worktree costs seconds and its size in disk, so a 32-core default stays sane).
 */
const MAX_PREPARED_WORKSPACES = 8;

/** The agent module (and @xterm/headless with it) is loaded when the agents start, not at launch. */
const loadAgentFactory = async (): Promise<AgentFactory> => {
  const { Agent } = await import('../agents/agent.js');
  return (options) => new Agent(options);
};

export interface RunOptions {
  runId: string;
  change: string;
  repoRoot: string;
  baseCommit: string;
  /** The branch checked out when the run started (the base of its pull requests), if any. */
  baseBranch?: string | undefined;
  settings: Settings;
  /** The user's --files, validated and repo-relative; undefined → the LLM proposes files. */
  files: string[] | undefined;
  /** Every tracked file of the repo (repo context for the LLM, plan validation). */
  trackedFiles: string[];
  /** Compact repo view for the PRD prompt (llm/repoContext.ts). */
  repoContext: string;
  /** The PRD and plan model's client (llm/modelRouter.ts). */
  llm: LlmClient;
  aiderBin: string;
  /** The environment aider runs with (agents/aiderArgs.ts buildAiderEnv). */
  agentEnv: NodeJS.ProcessEnv;
  /** The run's own environment (the user's .env merged in): GITHUB_TOKEN and the like, for pull requests. */
  env?: NodeJS.ProcessEnv | undefined;
  redactor: Redactor;
  /** Initial pty size of every agent; the TUI resizes panes later. */
  terminalSize: { cols: number; rows: number };
  /** Where runs and agents are recorded as they change (for `runs`, `show`, `resume`). */
  history: RunHistory | undefined;
  /** Continue a run the app did not finish (see createRun.ts resumeRun), or send a finished one's agent a follow-up. */
  resume?: ResumeState;
  /** Files of the user's checkout copied into each new worktree (`.worktreeinclude`, checked in createRun.ts). */
  worktreeInclude?: readonly string[] | undefined;
  /**
   * Finished agents' aiders stay at their prompt while the run lives, so a follow-up is typed at
   * once (the TUI); close() ends them. Off (headless): each aider ends with its agent.
   */
  keepIdleSessions?: boolean;
  /** Makes each agent; default: the real Agent (a test passes fakes). */
  createAgent?: AgentFactory | undefined;
  /** The run's worktrees; default: a WorkspacePool under the data folder (a test passes fakes). */
  workspaces?: Workspaces | undefined;
}

/** A run to continue: what the history knows of it. */
export interface ResumeState {
  agents: AgentRecord[];
  prd: string;
  prdPath: string | undefined;
  startedAt: Date;
  /** Instead of resuming: this agent (finished, as every agent of the run) continues with this message (`follow-up`). */
  followUp?: { agent: number; message: string };
}

/** Everything the run knows about one agent. */
interface AgentSlot {
  agent: AgentLike;
  log: AgentLog;
  done: Promise<void> | undefined;
  result: AgentResult | undefined;
  /** The supervisor's answers for this agent, oldest first (the summary's `decisions`). */
  decisions: DecisionRecord[];
}

/**
 * One orchestration run: PRD → plan → workspaces → agents → summary.
 * Owns the truth and emits RunEvents; the TUI and headless mode only read and command.
 */
export class Run extends EventEmitter<RunEvents> implements RunController {
  readonly runId: string;
  change: string;
  phase: RunPhase = 'prd';
  prd = '';
  prdPath: string | undefined;
  plan: Plan | undefined;
  summary: RunSummary | undefined;

  private readonly slots = new Map<number, AgentSlot>();
  private readonly scheduler: Scheduler;
  private readonly abort = new AbortController();
  private readonly startedAt: Date;
  private stopping = false;
  private readonly history: HistoryRecorder;
  /** The supervisor model's price (litellm's list in aider's virtualenv), read at its first decision. */
  private supervisorPriceRead: { price: ReturnType<typeof modelPrice> } | undefined;
  private finishing: Promise<RunSummary> | undefined;
  private readonly workspaces: Workspaces;
  /** Agent → its aider, started in its prepared workspace while the PRD is read (warm start). */
  private readonly warm = new Map<number, WarmSession>();
  private warming: Promise<void> = Promise.resolve();
  private warmStarted = false;
  private warmClosed = false;
  /** Best of n: judges the attempts of each task (made when the agents are). */
  private judging: AttemptJudging | undefined;
  /** Agent → `--setup-cmd` in its new worktree, started as soon as the worktree is made. */
  private readonly setups = new Map<number, WorktreeSetup>();

  constructor(private readonly options: RunOptions) {
    super();
    this.runId = options.runId;
    this.history = new HistoryRecorder(options.history, options.runId, (message) => this.emit('run:warning', message));
    this.workspaces =
      options.workspaces ??
      new WorkspacePool({
        root: options.repoRoot,
        base: options.baseCommit,
        dir: path.join(options.settings.dataDir, 'worktrees', options.runId),
        include: options.worktreeInclude,
        warn: (message) => this.emit('run:warning', message),
      });
    this.change = options.change;
    this.scheduler = new Scheduler(options.settings.maxAgents);
    this.startedAt = options.resume?.startedAt ?? new Date();
    if (options.resume) {
      this.prd = options.resume.prd;
      this.prdPath = options.resume.prdPath;
      this.plan = { tasks: options.resume.agents.map((agent) => agent.task), unassigned: [] };
      this.phase = 'agents';
    }
  }

  get maxAgents(): number {
    return this.options.settings.maxAgents;
  }

  get settings(): Settings {
    return this.options.settings;
  }

  get repoRoot(): string {
    return this.options.repoRoot;
  }

  get agents(): readonly AgentView[] {
    return [...this.slots.values()].map((slot) => slot.agent);
  }

  /** The follow-up this run was rebuilt for (`aider-orchestrator follow-up`), if any. */
  get followingUp(): { agent: number; message: string } | undefined {
    return this.options.resume?.followUp;
  }

  get logDir(): string {
    return path.resolve(this.options.repoRoot, this.options.settings.logDir);
  }

  /** Masks the run's secrets (for what is printed outside the run's own events, e.g. headless lines). */
  redact(text: string): string {
    return this.options.redactor.redact(text);
  }

  private setPhase(phase: RunPhase): void {
    this.phase = phase;
    this.emit('run:phase', phase);
  }

  async generatePrd(feedback?: string): Promise<void> {
    const previousPrd = feedback ? this.prd : undefined;
    // The agents' workspaces are made while the PRD is written and read, not after "approve".
    this.workspaces.prepare(this.workspacesToPrepare());
    this.startWarmSessions(this.workspacesToPrepare());
    this.setPhase('prd');
    this.prd = '';
    this.prd = await generatePrd(this.options.llm, {
      model: this.options.settings.prdModel,
      change: this.change,
      repoContext: this.options.repoContext,
      feedback,
      previousPrd,
      signal: this.abort.signal,
      onChunk: (text) => {
        this.prd += text;
        this.emit('prd:chunk', text);
      },
      onRetry: (attempt, delayMs, reason) => {
        this.prd = ''; // the stream starts over
        this.emit('prd:retry', attempt, delayMs, reason);
      },
    });
    this.setPhase('review');
  }

  /** As many workspaces as the plan can have agents (the assignment screen may add more: made at start). */
  private workspacesToPrepare(): number {
    const { maxAgents, agentsPerTask } = this.options.settings;
    const tasks = this.options.files ? Math.min(maxAgents, this.options.files.length) : maxAgents;
    return Math.min(MAX_PREPARED_WORKSPACES, tasks * agentsPerTask);
  }

  /**
   * Warm start: an aider in each prepared workspace, waiting at its prompt (no file, no message,
   * so nothing reaches the model) by the time the PRD is approved. Its folder is the one the
   * agent's first run uses (`agent-<n>/run-1`); approve hands it to the agent.
   */
  private startWarmSessions(count: number): void {
    if (this.warmStarted || this.options.resume) return;
    this.warmStarted = true;
    const { settings, runId } = this.options;
    const agentsDir = path.join(settings.dataDir, 'runs', runId);
    this.warming = (async () => {
      const { AiderSession } = await import('../agents/aiderSession.js');
      for (let agent = 1; agent <= count; agent += 1) {
        const worktree = await this.workspaces.preparedPath(agent);
        if (!worktree || this.warmClosed) continue;
        const stateDir = path.join(agentsDir, `agent-${agent}`, 'run-1');
        makePrivateDir(stateDir);
        const session = new AiderSession({
          aiderBin: this.options.aiderBin,
          cwd: worktree,
          stateDir,
          model: settings.agentModel,
          env: this.options.agentEnv,
          redactor: this.options.redactor,
          extraArgs: settings.aiderArgs,
          cols: this.options.terminalSize.cols,
          rows: this.options.terminalSize.rows,
        });
        // aider starts in a worktree only once its setup command has passed there.
        const setup = await this.startSetup(agent, worktree);
        const ready = setup ? setup.done.then((result) => this.startAfterSetup(session, result)) : session.start();
        // A session that cannot start fails its agent at approve, with the reason.
        ready.catch(() => undefined);
        this.warm.set(agent, { session, ready });
      }
    })().catch((error: Error) => {
      this.emit('run:warning', `cannot start aider ahead of time (${error.message}); the agents start it at approve`);
    });
  }

  /** `--setup-cmd` in a new worktree (once per agent); undefined without one. */
  private async startSetup(agent: number, worktree: string): Promise<WorktreeSetup | undefined> {
    const { settings, agentEnv, terminalSize, redactor } = this.options;
    if (!settings.setupCommand) return undefined;
    const started = this.setups.get(agent);
    if (started) return started;
    const { WorktreeSetup } = await import('../agents/worktreeSetup.js');
    const setup = new WorktreeSetup({
      command: settings.setupCommand,
      cwd: worktree,
      env: agentEnv,
      cols: terminalSize.cols,
      rows: terminalSize.rows,
      timeoutMs: settings.checkTimeout,
      redact: (text) => redactor.redact(text),
    });
    this.setups.set(agent, setup);
    return setup;
  }

  /** A warm session's start once its worktree's setup is done (none when it failed or the session was ended meanwhile). */
  private startAfterSetup(session: { phase: string; start(): Promise<SessionReady> }, result: SetupResult): Promise<SessionReady> {
    if (!result.ok) return Promise.reject(new Error(result.reason));
    if (session.phase !== 'new') return Promise.reject(new Error('the session was ended before its worktree was set up'));
    return session.start();
  }

  /** Resolves once every warm session asked for has started or failed to: how many wait at their prompt. */
  async whenWarm(): Promise<number> {
    await this.warming;
    const started = await Promise.allSettled([...this.warm.values()].map((warm) => warm.ready));
    return started.filter((result) => result.status === 'fulfilled').length;
  }

  /** The warm session of `agent`, if any (it is the agent's from then on). */
  private takeWarm(agent: number): WarmSession | undefined {
    const warm = this.warm.get(agent);
    this.warm.delete(agent);
    return warm;
  }

  /** Ends the warm sessions no agent took (the plan has fewer agents, cancel, exit). */
  private async closeWarm(): Promise<void> {
    this.warmClosed = true;
    // Setups in prepared workspaces no agent took end with them (an agent's own setup is the agent's to stop).
    for (const [agent, setup] of this.setups) if (!this.slots.has(agent)) setup.kill();
    const unused = [...this.warm.values()];
    this.warm.clear();
    await Promise.all(unused.map(({ session }) => session.close()));
  }

  setChange(text: string): void {
    this.change = text.trim();
  }

  async merge(options: { resolve?: boolean } = {}): Promise<string[]> {
    if (!this.summary) throw new UserError('the run has not finished: merge once every agent is done');
    const { settings, aiderBin, agentEnv, redactor } = this.options;
    const agents = this.summary.agents.map((agent) => ({ ...agent, task: agent.attempt?.task, brief: agent.task }));
    const report = await mergeRun(
      { ...this.summary, agents },
      undefined,
      mergeOptionsFor(this.runId, settings, { aiderBin, agentEnv, redactor }, { resolve: options.resolve === true, check: true }),
    );
    this.summary = { ...this.summary, merge: mergeRecord(report) };
    if (this.summary.summaryPath) {
      try {
        writeSummary(this.summary, redactor);
      } catch (error) {
        this.emit('run:warning', `cannot add the merge to the summary ${this.summary.summaryPath} (${(error as Error).message})`);
      }
    }
    return describeMerge(report, { outputLines: 5 });
  }

  async preparePullRequests(): Promise<PullRequestOffer> {
    const finished = this.summary;
    if (!finished) throw new UserError('the run has not finished: open a pull request once every agent is done');
    const ship: RunToShip = {
      runId: this.runId,
      repo: this.options.repoRoot,
      baseCommit: this.options.baseCommit,
      baseBranch: this.options.baseBranch,
      change: this.change,
      prd: this.prd,
      checkCommand: this.options.settings.checkCommand,
      agents: finished.agents.map((agent) => {
        const slot = this.slots.get(agent.id)?.agent;
        return {
          id: agent.id,
          branch: agent.branch,
          status: agent.status,
          reason: agent.reason,
          task: { title: slot?.title ?? agent.task, description: slot?.description ?? '', files: agent.files },
        };
      }),
    };
    const env = this.options.env ?? process.env;
    const plan = await planPullRequests(ship, { env });
    return {
      lines: describePlan(plan),
      question: planQuestion(plan),
      open: async () => {
        const { redactor, history, llm, settings } = this.options;
        const notices: string[] = [];
        const outcomes = await openPullRequests(ship, plan, {
          token: githubToken(env),
          llm,
          model: settings.prdModel,
          redactor,
          onProgress: (line) => notices.push(line),
        });
        const opened = pullRequestsOf(outcomes);
        const recorded = recordPullRequests(this.runId, opened, { history, summaryPath: this.summary?.summaryPath, redactor });
        if (opened.length > 0 && this.summary) {
          this.summary = recorded.summary ?? withPullRequests(this.summary, opened);
          this.emit('run:summary', this.summary);
        }
        return [...notices.filter((line) => !/^(pushing|writing) /.test(line)), ...recorded.warnings, ...describeOutcomes(outcomes)];
      },
    };
  }

  async diff(id: number): Promise<string> {
    const agent = this.slots.get(id)?.agent;
    return agent ? diffSince(agent.worktree, this.options.baseCommit) : '';
  }

  setPrd(text: string): void {
    this.prd = text;
    this.emit('prd:edited', text);
  }

  async approvePrd(): Promise<void> {
    const { settings, repoRoot } = this.options;
    this.prdPath = await savePrd(repoRoot, settings.prdDir, this.change, this.options.redactor.redact(this.prd), new Date());
    this.setPhase('planning');
    this.plan = await this.makePlan();
    this.emit('plan:ready', this.plan);
    this.setPhase('assignment');
  }

  private async makePlan(): Promise<Plan> {
    const { settings, repoRoot, files } = this.options;
    const limits = { maxAgents: settings.maxAgents, agentsPerTask: settings.agentsPerTask };
    if (files) {
      const sized = files.map((file) => ({ path: file, size: fs.statSync(path.join(repoRoot, file)).size }));
      return planFromFiles({ files: sized, change: this.change, ...limits });
    }
    const proposal = await proposePlan(this.options.llm, {
      model: settings.prdModel,
      change: this.change,
      prd: this.prd,
      trackedFiles: this.options.trackedFiles,
      maxAgents: settings.maxAgents,
      signal: this.abort.signal,
    });
    // The LLM may name new files (aider creates them) or paths that leave the repo (even
    // through a symlink): those are left out of the plan, with a warning.
    for (const task of proposal) {
      const { files: kept, refused } = plannedPaths(repoRoot, task.files, this.options.trackedFiles);
      task.files = kept;
      for (const refusal of refused) this.emit('run:warning', `the plan named ${refusal.path}, left out: it ${refusal.problem}`);
    }
    return planFromProposal(proposal, limits);
  }

  setPlan(plan: Plan): void {
    validatePlan(plan, this.options.settings.maxAgents * this.options.settings.agentsPerTask);
    this.plan = plan;
    this.emit('plan:ready', plan);
  }

  startAgents(): Promise<RunSummary> {
    this.finishing ??= this.options.resume ? this.resumeAgents(this.options.resume) : this.runAgents();
    return this.finishing;
  }

  private async runAgents(): Promise<RunSummary> {
    const plan = this.plan;
    if (!plan) throw new Error('startAgents() before a plan exists');
    this.setPhase('workspaces');
    const { settings, repoRoot, baseCommit, runId } = this.options;
    const runDir = path.join(settings.dataDir, 'runs', runId);
    const createAgent = this.options.createAgent ?? (await loadAgentFactory());
    const places: { task: AgentTask; branch: string; worktree: string }[] = [];
    try {
      for (const task of plan.tasks) {
        if (this.stopping) break;
        const branch = agentBranchName(runId, task.agent);
        places.push({ task, branch, worktree: await this.workspaces.acquire(task.agent, branch) });
      }
    } catch (error) {
      // A workspace that cannot be made (disk full...): no agent starts, none of the run's worktrees or branches stay.
      await this.closeWarm();
      await this.workspaces.discard();
      throw error;
    }
    for (const place of places) {
      this.addAgent(createAgent, {
        ...place,
        runDir: path.join(runDir, `agent-${place.task.agent}`),
        warm: this.takeWarm(place.task.agent),
        setup: await this.startSetup(place.task.agent, place.worktree),
      });
    }
    // The run and its agents are recorded before any agent runs (their changes update these rows).
    this.history.record((history) =>
      history.startRun(
        {
          id: runId,
          repo: repoRoot,
          baseCommit,
          baseBranch: this.options.baseBranch,
          change: this.options.redactor.redact(this.change),
          prd: this.options.redactor.redact(this.prd),
          prdPath: this.prdPath,
          startedAt: this.startedAt.toISOString(),
          // Aider arguments may hold keys (`--openai-api-key X`): masked like every other sink.
          settingsJson: this.options.redactor.redact(JSON.stringify({ ...settings, geminiApiKey: undefined })),
        },
        [...this.slots.values()].map(({ agent }) => ({
          task: agent.task,
          branch: agent.branch,
          worktree: agent.worktree,
          runDir: agent.runDir,
          state: agent.state,
          reason: agent.reason,
          usage: agent.usage,
          startedAt: agent.startedAt,
          finishedAt: agent.finishedAt,
        })),
      ),
    );
    this.startJudging();
    this.setPhase('agents');
    for (const id of this.slots.keys()) this.schedule(id);
    // Warm sessions and prepared workspaces the plan did not use go while the agents work.
    const released = this.closeWarm().then(() => this.workspaces.release());
    await this.settle();
    await released;
    return this.finish();
  }

  /** After a crash: finished agents keep their result, the others continue their conversations. */
  private async resumeAgents(resume: ResumeState): Promise<RunSummary> {
    const createAgent = this.options.createAgent ?? (await loadAgentFactory());
    for (const record of resume.agents) {
      // Its worktree deleted meanwhile: that agent fails without starting aider; the others go on.
      const gone = !isFinalState(record.state) && !fs.existsSync(record.worktree);
      const state = gone
        ? { ...record, state: 'failed' as const, reason: `its worktree ${record.worktree} is gone`, finishedAt: Date.now() }
        : record;
      this.addAgent(createAgent, {
        task: record.task,
        branch: record.branch,
        worktree: record.worktree,
        runDir: record.runDir,
        resume: state,
      });
      if (gone) {
        this.slots.get(record.task.agent)?.log.append('state', { state: state.state, reason: state.reason });
        this.history.record((history, runId) => history.updateAgent(runId, record.task.agent, state));
      }
    }
    this.startJudging();
    this.setPhase('agents');
    for (const [id, slot] of this.slots) if (!isFinalState(slot.agent.state)) this.schedule(id);
    if (resume.followUp) this.sendFollowUp(resume.followUp.agent, resume.followUp.message);
    await this.settle();
    return this.finish();
  }

  private addAgent(
    createAgent: AgentFactory,
    place: {
      task: AgentTask;
      branch: string;
      worktree: string;
      runDir: string;
      resume?: AgentRecord;
      warm?: WarmSession;
      setup?: WorktreeSetup | undefined;
    },
  ): void {
    const { settings, runId } = this.options;
    const { task } = place;
    const agent = createAgent({
      ...place,
      prd: this.prd,
      aiderBin: this.options.aiderBin,
      model: settings.agentModel,
      extraArgs: settings.aiderArgs,
      env: this.options.agentEnv,
      maxIterations: settings.maxIterations,
      checkCommand: settings.checkCommand,
      baseCommit: this.options.baseCommit,
      idleTimeout: settings.idleTimeout,
      checkTimeout: settings.checkTimeout,
      redactor: this.options.redactor,
      supervisor: settings.supervisor ? this.supervisorCall() : undefined,
      keepIdleSession: this.options.keepIdleSessions === true,
      cols: this.options.terminalSize.cols,
      rows: this.options.terminalSize.rows,
    });
    const log = new AgentLog(agentLogPath(this.logDir, task.agent, runId), this.options.redactor, (error) =>
      this.emit('run:warning', `cannot write the log of agent ${task.agent} (${error.message}); the run goes on`),
    );
    // A resumed agent keeps the decisions its supervisor made before (the history has them).
    const slot: AgentSlot = { agent, log, done: undefined, result: undefined, decisions: [...(place.resume?.decisions ?? [])] };
    this.slots.set(task.agent, slot);
    this.wireAgent(agent, log, slot.decisions);
    log.append(place.resume ? 'resume' : 'start', {
      runId,
      branch: place.branch,
      worktree: place.worktree,
      task: task.title,
      files: task.files,
      model: settings.agentModel,
    });
  }

  private supervisorPrice(): ReturnType<typeof modelPrice> {
    this.supervisorPriceRead ??= { price: modelPrice(this.options.aiderBin, supervisorModelOf(this.options.settings)) };
    return this.supervisorPriceRead.price;
  }

  /** The supervisor as an agent calls it: the run's client, the supervisor model, the redactor; cancelled by the run's abort or the call's own (agent stopped). */
  private supervisorCall(): SupervisorCall {
    const { llm, redactor, settings } = this.options;
    const model = supervisorModelOf(settings);
    return (input, signal) => decideNextStep(llm, input, { model, redactor, signal: AbortSignal.any([this.abort.signal, signal]) });
  }

  /** Best of n over the run's agents: verdicts as attempts end, the judge model the supervisor's. */
  private startJudging(): void {
    const { llm, redactor, settings } = this.options;
    const model = supervisorModelOf(settings);
    this.judging = new AttemptJudging({
      attempts: [...this.slots.values()].map((slot) => slot.agent),
      baseCommit: this.options.baseCommit,
      checkCommand: settings.checkCommand,
      firstWins: settings.firstWins,
      judge: settings.supervisor ? (input) => pickAttempt(llm, input, { model, redactor, signal: this.abort.signal }) : undefined,
      onVerdict: (verdict) => this.onVerdict(verdict),
    });
  }

  private onVerdict(verdict: TaskVerdict): void {
    const judgement = verdict.by ? { by: verdict.by, reason: verdict.reason, time: verdict.time } : undefined;
    this.history.record((history, runId) => history.setWinner(runId, verdict.attempts, verdict.winner, judgement));
    this.emit('task:judged', verdict.task, verdict.winner, verdict.by, verdict.reason);
  }

  private wireAgent(agent: AgentLike, log: AgentLog, decisions: DecisionRecord[]): void {
    const id = agent.id;
    // The history first: whoever reacts to `agent:state` finds the change recorded.
    this.history.follow(agent);
    agent.on('state', (state, reason) => {
      log.append('state', { state, reason });
      this.emit('agent:state', id, state, reason);
      if (isFinalState(state)) this.judging?.ended(id);
    });
    agent.on('output', () => this.emit('agent:output', id));
    agent.on('line', (line) => {
      log.append('output', { line });
      this.emit('agent:line', id, line);
    });
    agent.on('usage', (usage) => {
      log.append('usage', usage);
      this.emit('agent:iteration', id, usage);
    });
    agent.on('turn', (turn) => log.append('turn', turn));
    agent.on('decision', (outcome, time) => {
      if (!outcome.ok && outcome.cancelled) return;
      const record = decisionRecord(outcome, time, costOf(this.supervisorPrice(), outcome.usage));
      decisions.push(record);
      this.history.record((history, runId) =>
        history.setDecisions(runId, id, JSON.parse(this.options.redactor.redact(JSON.stringify(decisions))) as DecisionRecord[]),
      );
      log.append('supervisor', record);
      this.emit('agent:decision', id, record);
    });
  }

  /** Queue the agent's run behind the concurrency cap. */
  private schedule(id: number): void {
    const slot = this.slots.get(id);
    if (!slot) return;
    slot.done = this.scheduler
      .run(async () => {
        if (this.stopping || isFinalState(slot.agent.state)) return slot.agent.result();
        return slot.agent.run();
      })
      .then((result) => {
        slot.result = result;
        slot.log.append('exit', { state: result.state, reason: result.reason, exitCode: result.exitCode, usage: result.usage });
      });
  }

  /** Wait until no agent has work pending (restarts add work while we wait). */
  private async settle(): Promise<void> {
    for (;;) {
      const pending = [...this.slots.values()].map((slot) => slot.done);
      await Promise.all(pending);
      const after = [...this.slots.values()].map((slot) => slot.done);
      if (after.every((p, i) => p === pending[i])) return;
    }
  }

  private async finish(): Promise<RunSummary> {
    const { repoRoot, baseCommit, runId } = this.options;
    const judging = this.judging;
    await judging?.settle();
    const assembled = await assembleRunSummary({
      runId,
      change: this.change,
      repo: repoRoot,
      baseCommit,
      baseBranch: this.options.baseBranch,
      prdPath: this.prdPath,
      startedAt: this.startedAt,
      logDir: this.logDir,
      agents: [...this.slots.values()].map(({ agent, log, result, decisions }) => ({
        id: agent.id,
        branch: agent.branch,
        worktree: agent.worktree,
        title: agent.title,
        description: agent.description,
        files: agent.files,
        result: result ?? agent.result(),
        log,
        decisions,
      })),
      annotate: judging && ((agents) => judging.annotate(agents)),
    });
    const summary = writeRunSummary(assembled, this.options.redactor, (error) => {
      const recorded = this.history.intact;
      this.emit(
        'run:warning',
        `cannot write the summary ${assembled.summaryPath} (${error.message})${recorded ? `; the run is in the history: aider-orchestrator show ${runId}` : ''}`,
      );
    });
    this.history.record((history) =>
      history.finishRun(runId, {
        status: summary.status,
        finishedAt: summary.finishedAt,
        summaryPath: summary.summaryPath,
        cost: summary.totals.cost,
      }),
    );
    this.summary = summary;
    this.emit('run:summary', summary);
    this.setPhase('summary');
    return summary;
  }

  async stopAgent(id: number): Promise<void> {
    await this.slots.get(id)?.agent.stop();
  }

  restartAgent(id: number): void {
    const slot = this.slots.get(id);
    if (!slot || !isFinalState(slot.agent.state) || this.stopping) return;
    slot.agent.prepareRestart();
    this.runAgainAfter(id);
  }

  hasWorktree(id: number): boolean {
    const agent = this.slots.get(id)?.agent;
    return agent !== undefined && fs.existsSync(agent.worktree);
  }

  /**
   * One more turn for a finished agent, in its conversation: typed into its idle aider, or into
   * a new one with the chat history restored. The supervisor (if on) goes on after it as after
   * any turn; once the agent settles the summary and the history are rewritten.
   */
  followUp(id: number, message: string): void {
    const slot = this.slots.get(id);
    if (!slot) {
      const ids = [...this.slots.keys()].join(', ');
      throw new UserError(`there is no agent ${id} in run ${this.runId} (its agents: ${ids || 'none'}): name one of them`);
    }
    const text = message.trim();
    if (!text) throw new UserError(`the follow-up message is empty: say what agent ${id} should do next`);
    if (this.stopping)
      throw new UserError('the run is stopping: a follow-up can be sent with `aider-orchestrator follow-up` once it has ended');
    const { agent } = slot;
    if (!isFinalState(agent.state)) throw new UserError(`agent ${id} is ${agent.state}: send the follow-up once it has finished`);
    if (!this.hasWorktree(id)) {
      throw new UserError(
        `agent ${id} has no worktree (${agent.worktree} is gone, removed by \`clean\`?): there is no conversation to continue; start a new run`,
      );
    }
    this.sendFollowUp(id, text);
  }

  private sendFollowUp(id: number, message: string): void {
    const slot = this.slots.get(id);
    if (!slot) return;
    slot.agent.prepareFollowUp(message);
    slot.log.append('follow-up', { message });
    this.runAgainAfter(id);
  }

  /** Schedules a finished agent again; after the summary, the run goes on until it settles and rewrites the summary. */
  private runAgainAfter(id: number): void {
    // A follow-up or restart changes the attempt: its task is judged again when it ends.
    this.judging?.restarted(id);
    const wasFinished = this.phase === 'summary';
    // A kill from here on leaves the run resumable, as any unfinished run.
    this.history.record((history, runId) => history.reopenRun(runId));
    this.schedule(id);
    if (wasFinished) {
      this.setPhase('agents');
      this.finishing = this.settle().then(() => this.finish());
    }
  }

  /**
   * Makes a succeeded attempt its task's winner instead of the one judged (the summary's `w`):
   * the summary JSON and the history are rewritten, so `merge` takes it.
   */
  async pickWinner(id: number): Promise<void> {
    const summary = this.summary;
    const agent = summary?.agents.find((a) => a.id === id);
    if (!summary || !agent) throw new UserError('the run has not finished: pick a winner once every agent is done');
    if (!agent.attempt || !this.judging) throw new UserError(`agent ${id} is the only attempt at its task: there is no other to pick from`);
    if (agent.status !== 'succeeded') throw new UserError(`agent ${id} ${agent.status}: only a succeeded attempt can win its task`);
    if (agent.winner) return;
    this.judging.pick(id);
    const agents = this.judging.annotate(summary.agents);
    const picked: RunSummary = { ...summary, agents, status: runStatusOf(agents) };
    if (picked.summaryPath) {
      try {
        writeSummary(picked, this.options.redactor);
      } catch (error) {
        this.emit(
          'run:warning',
          `cannot rewrite the summary ${picked.summaryPath} (${(error as Error).message}); the run history has the pick`,
        );
      }
    }
    this.summary = picked;
    this.emit('run:summary', picked);
  }

  async stopAll(): Promise<void> {
    this.stopping = true;
    this.abort.abort();
    await Promise.all([this.closeWarm(), ...[...this.slots.values()].map((slot) => slot.agent.stop())]);
  }

  cancel(): void {
    this.abort.abort();
    void this.closeWarm();
    this.setPhase('cancelled');
  }

  /** Ends every process and terminal; worktrees and branches stay for the user. */
  dispose(): void {
    this.warmClosed = true;
    for (const { session } of this.warm.values()) session.dispose();
    this.warm.clear();
    for (const setup of this.setups.values()) setup.kill();
    for (const slot of this.slots.values()) slot.agent.dispose();
  }

  /** Ends finished agents' idle aiders (`/exit`), dispose(), and removes the workspaces prepared for agents that never started. */
  async close(): Promise<void> {
    await Promise.all([this.closeWarm(), ...[...this.slots.values()].map((slot) => slot.agent.closeIdleSession())]);
    this.dispose();
    await this.workspaces.release();
  }
}
