import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import xterm from '@xterm/headless';
import { formatDuration } from '../config/duration.js';
import { commitsSince, diffSince } from '../git/commits.js';
import { dirtyFiles } from '../git/repo.js';
import { makePrivateDir, makeTreePrivate, writePrivateFile } from '../logs/privateFiles.js';
import type { SupervisorDecision, SupervisorOutcome } from '../llm/supervisor.js';
import type { SupervisorInput } from '../llm/supervisorContext.js';
import type { Redactor } from '../logs/redact.js';
import type { AgentTask } from '../plan/types.js';
import { checkInstruction } from './aiderInput.js';
import { AiderSession, SessionExitError, type SessionReady, type TurnInput, type TurnResult } from './aiderSession.js';
import { addUsage, readAnalyticsReport } from './analyticsLog.js';
import { CheckProcess, type CheckResult } from './checkCommand.js';
import { OutputLines } from './outputLines.js';
import { agentMessage } from './taskMessage.js';
import { nextStep, type CheckOutcome, type TurnEvent } from './turnPolicy.js';
import { emptyUsage, isFinalState, WAITING_FOR_PERSON, type AgentState, type AgentView, type Usage } from './types.js';
import { TerminalViewport } from './viewport.js';
import type { WorktreeSetup } from './worktreeSetup.js';

/** A session the run started before the agent existed (warm start), and its start. */
export interface WarmSession {
  session: AiderSession;
  ready: Promise<SessionReady>;
}

/**
 * Asks the supervisor model what comes next after a turn (the run binds its client, model,
 * redactor and abort signal): the agent stays free of model code. `signal` is this call's own:
 * the agent aborts it when it is stopped. Never rejects.
 */
export type SupervisorCall = (input: SupervisorInput, signal: AbortSignal) => Promise<SupervisorOutcome>;

export interface AgentOptions {
  task: AgentTask;
  branch: string;
  /** The agent's git worktree: aider's cwd. */
  worktree: string;
  /** The run's base commit: an agent with no commit since it has made no change. */
  baseCommit: string;
  /** The agent's folder: one `run-<n>` folder per session (task and message files, chat history, analytics log). */
  runDir: string;
  prd: string;
  aiderBin: string;
  model: string;
  extraArgs: readonly string[];
  env: NodeJS.ProcessEnv;
  maxIterations: number;
  /** Shell command run in the worktree after a turn; failure → follow-up turn. */
  checkCommand: string | undefined;
  /** ms without a finished output line or an analytics event before aider is ended and the agent fails. */
  idleTimeout: number;
  /** ms the check command may run before its processes are ended and the agent fails. */
  checkTimeout: number;
  /** Masks secrets in everything the agent writes or shows: message files, output lines, reasons. */
  redactor: Redactor;
  /** Decides after each turn (instruct, check, finish); absent: --no-supervisor (done after one turn unless the check fails). */
  supervisor?: SupervisorCall | undefined;
  cols: number;
  rows: number;
  /**
   * aider started already in this worktree with `<runDir>/run-1` as its folder, waiting at its
   * prompt (the run starts it while the PRD is read): the first run adopts it.
   */
  warm?: WarmSession;
  /**
   * `--setup-cmd` in this agent's new worktree (started by the run when the worktree was made):
   * the first run waits for it before aider gets a turn, shows its output, and fails if it fails.
   */
  setup?: WorktreeSetup | undefined;
  /**
   * Resuming after a crash: a finished agent keeps its result; an unfinished one continues
   * its last conversation (same folder, --restore-chat-history) instead of starting over.
   */
  resume?: { state: AgentState; reason: string | undefined; usage: Usage; startedAt: number | undefined; finishedAt: number | undefined };
  /**
   * Once the agent has finished, its aider stays at its prompt (idle) so a follow-up is typed
   * into it at once; closeIdleSession() or dispose() ends it. Off: aider is closed when the agent finishes.
   */
  keepIdleSession?: boolean;
}

/** What one turn (one message typed into the session, and the LLM calls it caused) did. */
export interface TurnRecord {
  turn: number;
  kind: 'task' | 'check-fix' | 'supervisor' | 'resume' | 'person' | 'follow-up';
  /** Completed LLM calls (`message_send`). */
  iterations: number;
  llmCalls: number;
  /** Interrupted by the orchestrator (the iteration cap). */
  aborted: boolean;
  exceptions: string[];
  durationMs: number;
}

export interface AgentResult {
  state: AgentState;
  reason: string | undefined;
  exitCode: number | undefined;
  usage: Usage;
  startedAt: number | undefined;
  finishedAt: number | undefined;
}

export interface AgentEvents {
  state: [state: AgentState, reason: string | undefined];
  /** The screen changed (at most every OUTPUT_THROTTLE_MS). */
  output: [];
  /** A finished plain-text line of output. */
  line: [line: string];
  /** New analytics: another LLM call completed. */
  usage: [usage: Usage];
  turn: [turn: TurnRecord];
  /** The supervisor answered (or failed) after a turn. */
  decision: [outcome: SupervisorOutcome, time: Date];
}

const OUTPUT_THROTTLE_MS = 50;

export { NO_CHANGES } from './turnPolicy.js';

/** The latest turn's output lines kept for the supervisor (it reads the end of them, bounded again there). */
const TURN_LINES = 400;

/** Finished output lines kept to explain a crash (aider prints the traceback just before its prompt). */
const RECENT_LINES = 80;

/**
 * Aider's crash report ends with this line and then asks "Open a GitHub Issue ... (Y/n)"
 * (the session answers it; the agent fails with the traceback's last line).
 */
const CRASH_REPORT_LINE = /^Please consider reporting this bug to help improve aider!|^Open a GitHub Issue pre-filled with the above error/;

/** Aider's banner line when it found no git repository: its edits would be committed nowhere. */
const NO_GIT_REPO_LINE = /^Git repo: none$/;

/** The task (with the PRD) goes in this file, given to aider with `/read-only`. */
const TASK_FILE = 'task.md';
const TASK_INSTRUCTION = `Do the task described in the read-only file ${TASK_FILE}, then stop.`;
/** The first message of a resumed agent: its conversation so far comes back with --restore-chat-history. */
const RESUME_INSTRUCTION = `The session was interrupted. Continue your task (in the read-only file ${TASK_FILE}) from where you left off, and finish it.`;
const checkFixInstruction = (file: string): string =>
  `The check failed: its output is in the read-only file ${file}. Fix the cause so that the check passes.`;
const supervisorInstruction = (file: string): string =>
  `Your next instruction is in the read-only file ${file}. Do what it says, then stop.`;
const followUpInstruction = (file: string): string =>
  `The user's follow-up request is in the read-only file ${file}. Do what it says, then stop.`;

/** Whether `text` can be typed at aider's prompt as it is (one line, short, not a command). */
const typeable = (text: string): boolean => {
  try {
    checkInstruction(text);
    return true;
  } catch {
    return false;
  }
};

const FOCUS_REASON = WAITING_FOR_PERSON;

/** The highest `message-<n>.md` of a session folder (0 when there is none). */
const lastMessageNumber = (dir: string): number =>
  Math.max(0, ...fs.readdirSync(dir).map((name) => Number(/^message-(\d+)\.md$/.exec(name)?.[1] ?? 0)));

/** The highest `run-<n>` folder of an agent (0 when there is none). */
const lastRunNumber = (runDir: string): number => {
  try {
    return Math.max(0, ...fs.readdirSync(runDir).map((name) => Number(/^run-(\d+)$/.exec(name)?.[1] ?? 0)));
  } catch {
    return 0;
  }
};
const SCROLLBACK_LINES = 5000;
const CHECK_OUTPUT_TAIL_CHARS = 6000;

type Outcome = [state: AgentState, reason: string | undefined];

/**
 * One agent: its turn policy over one live aider session (aiderSession.ts) per run, in its
 * worktree, the screen kept in a headless terminal. The first turn gives aider its files
 * (`/add`), the task (`/read-only task.md`) and a one-line instruction; the agent is done after
 * it unless the check command fails, whose output becomes the next turn. The iteration cap,
 * the watchdog and the check are enforced here; the session only types and reports.
 */
export class Agent extends EventEmitter<AgentEvents> implements AgentView {
  readonly id: number;
  readonly title: string;
  readonly description: string;
  readonly files: readonly string[];
  readonly task: AgentTask;
  readonly branch: string;
  readonly worktree: string;
  /** The agent's own folder (messages, chat history, analytics log). */
  readonly runDir: string;
  readonly maxIterations: number;
  readonly terminal: xterm.Terminal;
  /** What a pane draws (styled rows, scrollback, search): the UI never gets the terminal itself. */
  readonly viewport: TerminalViewport;

  state: AgentState = 'queued';
  reason: string | undefined;
  exitCode: number | undefined;
  startedAt: number | undefined;
  finishedAt: number | undefined;

  private session: AiderSession | undefined;
  /** The folder of the current (or last) session: `<runDir>/run-<n>`. */
  private sessionDir: string | undefined;
  private warm: WarmSession | undefined;
  /** The worktree's setup, until the first run has waited for it. */
  private setup: WorktreeSetup | undefined;
  private cols: number;
  private rows: number;
  /** Usage of earlier runs (before a restart); the cap applies to the current run only. */
  private previousUsage: Usage = emptyUsage();
  /** Usage of this run before its session (a resumed run's earlier aider). */
  private runBase: Usage = emptyUsage();
  private attempt = 0;
  /** Iterations of this run before its latest follow-up: the cap counts from there. */
  private capStart = 0;
  /** The user's message for the next run (prepareFollowUp), typed as its first turn. */
  private pendingFollowUp: string | undefined;
  private stopRequested = false;
  /** The supervisor call in flight, aborted when the agent is stopped. */
  private supervising: AbortController | undefined;
  /** Why a stopped agent stopped (stop()'s reason). */
  private stopReason = 'stopped by the user';
  /** The check command's latest result in this run (best-of-n ranks attempts by it); undefined before it ran. */
  checkResult: 'passed' | 'failed' | undefined;
  /** The next run continues the conversation of the last one (resume after a crash). */
  private continuing = false;
  private capReached = false;
  /** Interrupts the turn in progress (the iteration cap). */
  private turnAbort: AbortController | undefined;
  /** Why the orchestrator ended the session (no sign of life, crash prompt, no git repo). */
  private ending: string | undefined;
  /** The watchdog runs while aider starts or works a turn (not during the check). */
  private watching = false;
  /** When aider last printed a finished line or logged an analytics event. */
  private lastSignOfLife = 0;
  private recentLines: string[] = [];
  /** The output lines of the turn in progress or just ended (the supervisor reads them). */
  private turnLines: string[] = [];
  /** The supervisor's decisions in this agent's life, oldest first (the next call sees the latest). */
  private decisions: SupervisorDecision[] = [];
  /** The supervisor's latest decision, shown under the pane title. */
  supervision: { progress: string; thought: string; action: string } | undefined;
  private check: CheckProcess | undefined;
  private outputTimer: NodeJS.Timeout | undefined;
  private readonly lines = new OutputLines((line) => this.onAiderLine(line));
  private running: Promise<AgentResult> | undefined;
  /** A person types into the session (focus mode): the agent neither types into it nor ends it. */
  private focused = false;
  private unfocused: (() => void)[] = [];

  constructor(private readonly options: AgentOptions) {
    super();
    this.id = options.task.agent;
    this.title = options.task.title;
    this.description = options.task.description;
    this.task = options.task;
    this.files = options.task.files;
    this.branch = options.branch;
    this.worktree = options.worktree;
    this.runDir = options.runDir;
    this.maxIterations = options.maxIterations;
    this.cols = options.cols;
    this.rows = options.rows;
    const resume = options.resume;
    if (resume && isFinalState(resume.state)) {
      Object.assign(this, { state: resume.state, reason: resume.reason, startedAt: resume.startedAt, finishedAt: resume.finishedAt });
      this.previousUsage = resume.usage;
    }
    this.continuing = resume !== undefined && !isFinalState(resume.state);
    this.warm = options.warm;
    this.setup = options.setup;
    this.terminal =
      options.warm?.session.terminal ??
      new xterm.Terminal({ cols: this.cols, rows: this.rows, scrollback: SCROLLBACK_LINES, allowProposedApi: true });
    this.viewport = new TerminalViewport(this.terminal);
  }

  get usage(): Usage {
    return addUsage(this.previousUsage, this.runUsage);
  }

  /** This run's LLM calls. */
  private get runUsage(): Usage {
    return addUsage(this.runBase, this.session?.usage ?? emptyUsage());
  }

  /** What the --max-iterations cap counts: this run's calls since its start or its latest follow-up. */
  private get cappedIterations(): number {
    return this.runUsage.iterations - this.capStart;
  }

  result(): AgentResult {
    return {
      state: this.state,
      reason: this.reason,
      exitCode: this.exitCode,
      usage: this.usage,
      startedAt: this.startedAt,
      finishedAt: this.finishedAt,
    };
  }

  /** Runs turns until the task is done, fails, is stopped or reaches the iteration cap. */
  run(): Promise<AgentResult> {
    this.running ??= this.runSession().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /**
   * One session: started (or adopted warm, or the idle one a follow-up is typed into), driven
   * turn by turn; closed before the agent's result unless it is kept idle (keepIdleSession).
   */
  private async runSession(): Promise<AgentResult> {
    if (isFinalState(this.state)) return this.result();
    const followUp = this.pendingFollowUp;
    this.pendingFollowUp = undefined;
    const idle = followUp !== undefined && this.session?.phase === 'prompt' ? this.session : undefined;
    const resuming = this.continuing;
    // A follow-up without a live session continues the last conversation in a new aider.
    const continuing = resuming || (followUp !== undefined && !idle);
    this.continuing = false;
    this.startedAt = resuming ? (this.options.resume?.startedAt ?? Date.now()) : Date.now();
    this.finishedAt = undefined;
    let session: AiderSession;
    let dir: string;
    if (idle && this.sessionDir) {
      session = idle;
      dir = this.sessionDir;
      this.capStart = this.runUsage.iterations;
    } else {
      if (followUp !== undefined) {
        // The ended session's calls stay in the totals; the new aider counts from zero.
        this.previousUsage = this.usage;
        this.session?.dispose();
        this.session = undefined;
      }
      this.attempt = continuing ? Math.max(1, lastRunNumber(this.options.runDir)) : this.attempt + 1;
      dir = path.join(this.options.runDir, `run-${this.attempt}`);
      this.sessionDir = dir;
      makePrivateDir(dir);
      // A resumed run's earlier aider counted its calls in the same analytics log.
      this.runBase = resuming ? readAnalyticsReport(path.join(dir, 'analytics.jsonl')).usage : emptyUsage();
      this.capStart = 0;
      this.setState('starting');
      const setupFailure = await this.waitForSetup();
      if (setupFailure) return this.finish(...setupFailure);
      try {
        session = this.openSession(dir, continuing);
      } catch (error) {
        return this.finish('failed', `cannot start aider: ${(error as Error).message}`);
      }
    }
    this.lastSignOfLife = Date.now();
    const watchdog = setInterval(() => this.checkSignOfLife(), Math.min(1000, this.options.idleTimeout / 4));
    let outcome: Outcome;
    try {
      outcome = await this.drive(session, dir, { continuing, followUp, idle: idle !== undefined });
    } finally {
      clearInterval(watchdog);
    }
    const keep = this.options.keepIdleSession === true && session.phase === 'prompt' && !this.stopRequested && !this.ending;
    if (!keep) {
      const exit = await session.close();
      this.exitCode = exit.exitCode;
      this.lines.flush();
    }
    // Aider's own files (chat and input history, analytics log) are as private as ours.
    makeTreePrivate(dir);
    return this.finish(...outcome);
  }

  /** Waits for the worktree's setup command (shown in the pane and the log as it runs); the outcome when it failed. */
  private async waitForSetup(): Promise<Outcome | undefined> {
    const setup = this.setup;
    if (!setup) return undefined;
    this.setState('starting', `setting up the worktree: ${setup.command}`);
    this.writeNotice(`setup: $ ${setup.command}`);
    const unfollow = setup.follow((line) => {
      this.terminal.write(`${line}\r\n`, () => this.scheduleOutput());
      this.emit('line', `[setup] ${line}`);
    });
    const result = await setup.done;
    unfollow();
    this.setup = undefined;
    if (this.stopRequested) return ['stopped', 'stopped by the user'];
    if (result.ok) {
      this.writeNotice('setup done');
      this.setState('starting');
      return undefined;
    }
    // Its aider (started ahead, or not yet) never gets a turn in a worktree that is not ready.
    this.warm?.session.dispose();
    this.warm = undefined;
    return ['failed', result.reason];
  }

  /** Ends the idle aider of a finished agent (`/exit`, as a person would): the app is quitting. */
  async closeIdleSession(): Promise<void> {
    const session = this.session;
    if (!session || this.running || session.phase === 'exited') return;
    const exit = await session.close();
    this.exitCode ??= exit.exitCode;
    this.lines.flush();
    if (this.sessionDir) makeTreePrivate(this.sessionDir);
  }

  /** The warm session when it is this run's, else a new one in `dir` (continuing its conversation on resume). */
  private openSession(dir: string, continuing: boolean): AiderSession {
    const warm = this.warm;
    this.warm = undefined;
    if (warm && !continuing && warm.session.phase !== 'exited' && path.dirname(warm.session.analyticsLog) === dir) {
      this.adopt(warm.session);
      return warm.session;
    }
    warm?.session.dispose();
    const session = new AiderSession({
      aiderBin: this.options.aiderBin,
      cwd: this.worktree,
      stateDir: dir,
      model: this.options.model,
      env: this.options.env,
      redactor: this.options.redactor,
      extraArgs: this.options.extraArgs,
      restoreChatHistory: continuing,
      cols: this.cols,
      rows: this.rows,
      terminal: this.terminal,
    });
    this.adopt(session);
    return session;
  }

  private adopt(session: AiderSession): void {
    this.session = session;
    session.on('data', (data) => this.lines.push(data));
    session.on('screen', () => this.scheduleOutput());
    session.on('analytics', (event) => {
      this.lastSignOfLife = Date.now();
      if (event.event === 'message_send') this.emit('usage', this.usage);
      if (event.event === 'message_send_starting') this.onCallStarting();
    });
    session.on('turn', (turn) => {
      // A person's turn (focus mode) is one of the agent's turns too.
      if (turn.origin !== 'person') return;
      this.emit('turn', this.turnRecord(0, 'person', turn));
      if (!this.turnAbort && !isFinalState(this.state)) this.setState('waiting', FOCUS_REASON);
    });
  }

  /** The outcome of a stopped agent, with who stopped it. */
  private stopped(): Outcome {
    return ['stopped', this.stopReason];
  }

  /** Starts the session and types turns until the policy says the agent is done. */
  private async drive(
    session: AiderSession,
    dir: string,
    start: { continuing: boolean; followUp: string | undefined; idle: boolean },
  ): Promise<Outcome> {
    // The task file is written first: it is the agent's record of its task even if aider never starts.
    const taskFile = path.join(dir, TASK_FILE);
    // What aider reads reaches its chat history and the model: no secret may be in it.
    writePrivateFile(taskFile, this.redact(agentMessage(this.options.task, this.options.prd)));
    this.watching = true;
    if (!start.idle) {
      let ready: SessionReady;
      try {
        // A warm session's start may wait on its worktree's setup: its own start is awaited, not a second one.
        const warmReady = this.ready(session);
        ready = warmReady ? await warmReady : await session.start();
      } catch (error) {
        return this.stopRequested ? this.stopped() : ['failed', this.ending ?? this.sessionError(error)];
      }
      if (this.stopRequested) return this.stopped();
      if (!ready.gitRepo) return ['failed', this.noGitReason()];
    }

    // A new aider gets its files and task first; an idle one has them in its chat already.
    const briefing = start.idle ? {} : { addFiles: this.files, readOnlyFiles: [taskFile] };
    let input: TurnInput = { ...briefing, message: start.continuing ? RESUME_INSTRUCTION : TASK_INSTRUCTION };
    // Turns so far in this folder (a resumed run goes on numbering its message files).
    let turn = fs.readdirSync(dir).filter((name) => /^message-\d+\.md$/.test(name)).length + 1;
    let kind: TurnRecord['kind'] = start.continuing ? 'resume' : 'task';
    /** What the supervisor is told the turn was asked to do. */
    let asked = input.message;
    if (start.followUp !== undefined) {
      // The user's message is kept as a message file (masked) and typed as it is when it fits one line.
      turn = Math.max(1, lastMessageNumber(dir)) + 1;
      kind = 'follow-up';
      const messageFile = path.join(dir, `message-${turn}.md`);
      asked = this.redact(start.followUp);
      writePrivateFile(messageFile, asked);
      input = typeable(asked)
        ? { ...briefing, message: asked }
        : {
            ...briefing,
            readOnlyFiles: [...(briefing.readOnlyFiles ?? []), messageFile],
            message: followUpInstruction(path.basename(messageFile)),
          };
      this.writeNotice(`follow-up: ${asked}`);
      if (start.idle) this.setState('working');
    }
    for (;;) {
      if (this.stopRequested) return this.stopped();
      await this.untilUnfocused();
      if (this.stopRequested) return this.stopped();
      if (session.phase === 'exited') return ['failed', this.ending ?? 'aider ended before its next turn'];
      this.watching = true;
      this.turnAbort = new AbortController();
      this.turnLines = [];
      let result: TurnResult;
      try {
        result = await session.sendTurn(input, { signal: this.turnAbort.signal });
      } catch (error) {
        if (this.stopRequested) return this.stopped();
        return ['failed', this.capReached ? this.capReason() : (this.ending ?? this.sessionError(error))];
      } finally {
        this.watching = false;
        this.turnAbort = undefined;
      }
      this.emit('turn', this.turnRecord(turn, kind, result));
      makeTreePrivate(dir);

      if (this.stopRequested) return this.stopped();
      if (this.capReached) return ['failed', this.capReason()];
      if (this.ending) return ['failed', this.ending];
      if (result.question) return ['failed', `aider stopped at a question no one answers: ${result.question}`];
      if (result.usage.iterations === 0) {
        const error = result.exceptions.at(-1) ?? session.lastErrorLine();
        return ['failed', `the model call failed${error ? `: ${error.slice(0, 200)}` : ' (no reply from the model)'}`];
      }

      // What comes next is the turn policy's (turnPolicy.ts); this loop carries it out.
      const next = await this.afterTurn(asked);
      if (next.kind === 'done') return next.outcome;
      // The next turn's text goes in a message file (masked); the previous one leaves the chat.
      // A supervisor's short one-line instruction is typed as it is.
      turn += 1;
      kind = next.source === 'check' ? 'check-fix' : 'supervisor';
      const messageFile = path.join(dir, `message-${turn}.md`);
      const message = this.redact(next.message);
      asked = message;
      writePrivateFile(messageFile, message);
      const previous = input.readOnlyFiles?.filter((file) => file !== taskFile) ?? [];
      if (next.source === 'supervisor' && typeable(message)) {
        input = { dropFiles: previous, message };
      } else {
        const instruction = next.source === 'check' ? checkFixInstruction : supervisorInstruction;
        input = { dropFiles: previous, readOnlyFiles: [messageFile], message: instruction(path.basename(messageFile)) };
      }
      this.lastSignOfLife = Date.now();
    }
  }

  /** Steps of the turn policy after a turn, until it asks for another turn or finishes the agent. */
  private async afterTurn(
    instruction: string,
  ): Promise<{ kind: 'done'; outcome: Outcome } | { kind: 'turn'; message: string; source: 'supervisor' | 'check' }> {
    const command = this.options.checkCommand;
    const sinceTurn: TurnEvent[] = [];
    for (;;) {
      if (this.stopRequested) return { kind: 'done', outcome: this.stopped() };
      let commits: number;
      try {
        commits = (await commitsSince(this.worktree, this.options.baseCommit)).length;
      } catch (error) {
        return {
          kind: 'done',
          outcome: ['failed', `cannot read the commits of ${this.branch} (${(error as Error).message.split('\n')[0]})`],
        };
      }
      const uncommittedFiles =
        commits > 0 ? 0 : (await dirtyFiles(this.worktree).catch(() => [])).filter((file) => !file.startsWith('.aider')).length;
      const step = nextStep({
        iterations: this.cappedIterations,
        maxIterations: this.maxIterations,
        commits,
        uncommittedFiles,
        check: command ? { command, timeoutMs: this.options.checkTimeout } : undefined,
        supervisor: this.options.supervisor !== undefined,
        personInFocus: this.focused,
        sinceTurn,
      });
      switch (step.kind) {
        case 'waitForPerson':
          // A person in focus mode may go on talking to aider: the policy waits until they leave.
          await this.untilUnfocused();
          break;
        case 'runCheck': {
          this.setState('waiting', `running the check: ${command}`);
          const check = await this.runCheck(command ?? '');
          sinceTurn.push({
            kind: 'check',
            result: {
              command: command ?? '',
              passed: check.passed,
              exitCode: check.exitCode,
              output: check.output,
              timedOut: check.timedOut,
              error: check.error,
            },
          });
          break;
        }
        case 'askSupervisor': {
          const lastCheck = sinceTurn.findLast((event) => event.kind === 'check');
          sinceTurn.push(await this.askSupervisor(instruction, lastCheck?.kind === 'check' ? lastCheck.result : undefined));
          break;
        }
        case 'instruct':
          return { kind: 'turn', message: step.message, source: step.source };
        case 'finish':
          return { kind: 'done', outcome: [step.outcome, step.reason] };
      }
    }
  }

  /** Calls the supervisor with the turn's output, the commits and diff since the base, and the check's result. */
  private async askSupervisor(instruction: string, check: CheckOutcome | undefined): Promise<TurnEvent> {
    const supervisor = this.options.supervisor;
    if (!supervisor) return { kind: 'supervisorFailed', reason: 'the turn policy asked for a supervisor, and this agent has none' };
    this.setState('waiting', 'the supervisor reads the turn');
    const base = this.options.baseCommit;
    const [commits, diff] = await Promise.all([
      commitsSince(this.worktree, base).catch(() => []),
      diffSince(this.worktree, base).catch((error: Error) => `(the diff could not be read: ${error.message.split('\n')[0]})`),
    ]);
    const call = new AbortController();
    this.supervising = call;
    const outcome = await supervisor(
      {
        task: { title: this.title, description: this.description, files: this.files },
        prd: this.options.prd,
        instruction,
        turnOutput: this.turnLines.join('\n'),
        commits,
        diff,
        checkCommand: this.options.checkCommand,
        check,
        iterations: this.cappedIterations,
        maxIterations: this.maxIterations,
        earlierDecisions: [...this.decisions],
      },
      call.signal,
    ).finally(() => {
      this.supervising = undefined;
    });
    this.emit('decision', outcome, new Date());
    if (!outcome.ok) {
      if (outcome.cancelled) return { kind: 'supervisorFailed', reason: 'stopped: the run was cancelled' };
      this.writeNotice(`supervisor failed: ${outcome.reason}`, false);
      return { kind: 'supervisorFailed', reason: outcome.reason };
    }
    const { decision } = outcome;
    this.decisions.push(decision);
    this.supervision = { progress: this.redact(decision.progress), thought: this.redact(decision.thought), action: decision.action };
    // The run prints the decision (headless, log): the pane shows it here.
    this.writeNotice(`supervisor: ${decision.action} — ${decision.progress}`, false);
    return { kind: 'decision', decision };
  }

  /** Focus mode on this agent begins or ends (the dashboard's Enter, Ctrl-]). */
  setFocused(focused: boolean): void {
    this.focused = focused;
    if (!focused) for (const resolve of this.unfocused.splice(0)) resolve();
  }

  /** Resolves when no person is in focus mode on this agent (or it is stopped). */
  private async untilUnfocused(): Promise<void> {
    if (!this.focused || this.stopRequested) return;
    if (this.session?.phase === 'prompt') this.setState('waiting', FOCUS_REASON);
    await new Promise<void>((resolve) => this.unfocused.push(resolve));
  }

  /** The start of a warm session this agent adopted. */
  private ready(session: AiderSession): Promise<SessionReady> | undefined {
    return this.options.warm?.session === session ? this.options.warm.ready : undefined;
  }

  /** An LLM call starts: the cap is enforced before it can pass --max-iterations. */
  private onCallStarting(): void {
    if (isFinalState(this.state)) return;
    if (this.cappedIterations >= this.maxIterations) {
      if (this.capReached) return;
      this.capReached = true;
      // The driver's turn is interrupted (Ctrl-C); a person's turn ends the session.
      if (this.turnAbort) this.turnAbort.abort();
      else this.endSession(this.capReason());
      return;
    }
    if (this.state !== 'working') this.setState('working');
  }

  private capReason(): string {
    return `reached --max-iterations (${this.maxIterations}) before aider finished`;
  }

  private checkSignOfLife(): void {
    const idleTimeout = this.options.idleTimeout;
    if (!this.watching || this.ending || Date.now() - this.lastSignOfLife < idleTimeout) return;
    this.endSession(`no sign of life for ${formatDuration(idleTimeout)}: no output and no aider event (--idle-timeout)`);
  }

  private turnRecord(turn: number, kind: TurnRecord['kind'], result: TurnResult): TurnRecord {
    return {
      turn,
      kind,
      iterations: result.usage.iterations,
      llmCalls: result.llmCalls,
      aborted: result.aborted,
      exceptions: result.exceptions.map((text) => this.redact(text)),
      durationMs: Math.round(result.durationMs),
    };
  }

  private sessionError(error: unknown): string {
    return error instanceof SessionExitError ? error.exit.reason : `cannot run aider: ${(error as Error).message}`;
  }

  private noGitReason(): string {
    return `aider found no git repository in ${this.worktree} ("Git repo: none"), so nothing it writes would be committed on ${this.branch}: check the worktree, and that --no-git is not among the aider arguments`;
  }

  /** Runs the check command (see checkCommand.ts), its output shown in the pane as it comes. */
  private async runCheck(command: string): Promise<CheckResult & { passed: boolean; output: string }> {
    this.writeNotice(`$ ${command}`);
    let output = '';
    const check = new CheckProcess({
      command,
      cwd: this.worktree,
      env: this.options.env,
      cols: this.cols,
      rows: this.rows,
      timeoutMs: this.options.checkTimeout,
      onLine: (raw) => {
        const line = this.redact(raw);
        output += `${line}\n`;
        if (output.length > 2 * CHECK_OUTPUT_TAIL_CHARS) output = output.slice(-CHECK_OUTPUT_TAIL_CHARS);
        this.terminal.write(`${line}\r\n`, () => this.scheduleOutput());
        this.emit('line', `[check] ${line}`);
      },
    });
    this.check = check;
    if (this.stopRequested) check.stop();
    const result = await check.done;
    this.check = undefined;
    const passed = result.exitCode === 0 && !result.timedOut && !result.stopped && !result.error;
    this.checkResult = passed ? 'passed' : 'failed';
    this.writeNotice(
      result.timedOut
        ? `check timed out after ${formatDuration(this.options.checkTimeout)}: ended`
        : passed
          ? 'check passed'
          : `check failed (exit ${result.exitCode ?? `signal ${result.signal}`})`,
    );
    return { ...result, passed, output: output.slice(-CHECK_OUTPUT_TAIL_CHARS) };
  }

  /** A finished line of aider's output: a sign of life, and the place its crash report and banner show. */
  private onAiderLine(raw: string): void {
    const line = this.redact(raw);
    this.lastSignOfLife = Date.now();
    this.recentLines.push(line);
    if (this.recentLines.length > RECENT_LINES) this.recentLines.shift();
    this.turnLines.push(line);
    if (this.turnLines.length > TURN_LINES) this.turnLines.shift();
    if (NO_GIT_REPO_LINE.test(line)) this.endSession(this.noGitReason());
    else if (CRASH_REPORT_LINE.test(line)) this.endSession(`aider crashed: ${this.crashError()}`);
    this.emit('line', line);
  }

  /** The exception of aider's crash report: the last line of the traceback, above its closing fence. */
  private crashError(): string {
    const fence = this.recentLines.lastIndexOf('```');
    const error = fence > 0 ? this.recentLines[fence - 1] : this.recentLines.find((line) => line.startsWith('# Uncaught '))?.slice(2);
    return (error ?? 'an uncaught exception (see the agent log)').slice(0, 300);
  }

  /** Ends the session for a reason of the orchestrator's; the agent fails with it. */
  private endSession(reason: string): void {
    if (this.ending) return;
    this.ending = reason;
    void this.session?.close();
  }

  private redact(text: string): string {
    return this.options.redactor.redact(text);
  }

  /** A line from the orchestrator itself, shown in the pane and the headless output. */
  private writeNotice(raw: string, asLine = true): void {
    const text = this.redact(raw);
    this.terminal.write(`\r\n\x1b[36m[orchestrator]\x1b[0m ${text.replace(/\n/g, '\r\n')}\r\n`, () => this.scheduleOutput());
    if (asLine) this.emit('line', `[orchestrator] ${text}`);
  }

  private scheduleOutput(): void {
    this.outputTimer ??= setTimeout(() => {
      this.outputTimer = undefined;
      this.emit('output');
    }, OUTPUT_THROTTLE_MS);
  }

  private setState(state: AgentState, reason?: string): void {
    reason = reason === undefined ? undefined : this.redact(reason);
    if (this.state === state && this.reason === reason) return;
    this.state = state;
    this.reason = reason;
    this.emit('state', state, reason);
  }

  private finish(state: AgentState, reason: string | undefined): AgentResult {
    this.finishedAt = Date.now();
    this.setState(state, reason);
    return this.result();
  }

  /**
   * Stops the agent: a queued one never starts, a running one's session is ended (its work so far
   * stays committed). `reason` says who stopped it (default: the user).
   */
  async stop(reason?: string): Promise<void> {
    if (isFinalState(this.state)) return;
    this.stopRequested = true;
    if (reason) this.stopReason = reason;
    if (!this.running) {
      this.pendingFollowUp = undefined;
      this.warm?.session.dispose();
      this.warm = undefined;
      this.finish('stopped', reason ?? 'stopped before it started');
      return;
    }
    void this.session?.close();
    this.supervising?.abort();
    this.check?.stop();
    this.setup?.stop();
    this.setFocused(false);
    await this.running;
  }

  /** Makes a finished agent runnable again (same worktree and branch, a fresh conversation and cap). */
  prepareRestart(): void {
    if (!isFinalState(this.state)) return;
    this.previousUsage = this.usage;
    this.runBase = emptyUsage();
    // A fresh conversation: an idle aider of the last one goes.
    void this.session?.close();
    this.session = undefined;
    this.stopRequested = false;
    this.stopReason = 'stopped by the user';
    this.checkResult = undefined;
    this.capReached = false;
    this.ending = undefined;
    this.exitCode = undefined;
    this.writeNotice('restarted');
    this.setState('queued');
  }

  /**
   * Makes a finished agent runnable again with `message` as its next turn, in the same
   * conversation: typed into its idle aider, or into a new one that restores the chat history.
   * The iteration cap counts from the follow-up.
   */
  prepareFollowUp(message: string): void {
    if (!isFinalState(this.state)) throw new Error(`agent ${this.id} is ${this.state}: a follow-up waits until it has finished`);
    this.pendingFollowUp = message;
    this.stopRequested = false;
    this.capReached = false;
    this.ending = undefined;
    this.exitCode = undefined;
    this.supervision = undefined;
    this.setState('queued');
  }

  /** Raw keystrokes to aider (focus mode). */
  write(data: string): void {
    this.session?.write(data);
  }

  resize(cols: number, rows: number): void {
    if (cols < 2 || rows < 1 || (cols === this.cols && rows === this.rows)) return;
    this.cols = cols;
    this.rows = rows;
    if (this.session) this.session.resize(cols, rows);
    else this.terminal.resize(cols, rows);
    this.scheduleOutput();
  }

  /** Kills aider at once and frees the terminal (app exit). */
  dispose(): void {
    this.stopRequested = true;
    this.supervising?.abort();
    if (this.outputTimer) clearTimeout(this.outputTimer);
    this.session?.dispose();
    this.warm?.session.dispose();
    this.check?.kill();
    this.setup?.kill();
    this.setFocused(false);
    this.removeAllListeners();
  }
}
