import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import xterm from '@xterm/headless';
import { execa } from 'execa';
import * as pty from 'node-pty';
import type { AgentTask } from '../plan/types.js';
import { buildAiderArgs, localModelMetadata } from './aiderArgs.js';
import { addUsage, readAnalyticsReport, type AnalyticsReport } from './analyticsLog.js';
import { OutputLines } from './outputLines.js';
import { agentMessage, checkFailedMessage } from './taskMessage.js';
import { emptyUsage, isFinalState, type AgentState, type AgentView, type Usage } from './types.js';
import { TerminalViewport } from './viewport.js';

export interface AgentOptions {
  task: AgentTask;
  branch: string;
  /** The agent's git worktree: aider's cwd. */
  worktree: string;
  /** The agent's folder for its message files, chat history and analytics log. */
  runDir: string;
  prd: string;
  aiderBin: string;
  model: string;
  extraArgs: readonly string[];
  env: NodeJS.ProcessEnv;
  maxIterations: number;
  /** Shell command run in the worktree after a turn; failure → follow-up turn. */
  checkCommand: string | undefined;
  cols: number;
  rows: number;
  /**
   * Resuming after a crash: a finished agent keeps its result; an unfinished one continues
   * its last conversation (same folder, --restore-chat-history) instead of starting over.
   */
  resume?: { state: AgentState; reason: string | undefined; usage: Usage; startedAt: number | undefined; finishedAt: number | undefined };
}

/** What one aider process (one orchestrator turn) did. */
export interface TurnRecord {
  turn: number;
  kind: 'task' | 'check-fix' | 'resume';
  exitCode: number | undefined;
  signal: number | undefined;
  iterations: number;
  exitReason: string | undefined;
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
}

const OUTPUT_THROTTLE_MS = 50;

/** The first message of a resumed agent: its conversation so far comes back with --restore-chat-history. */
const RESUME_MESSAGE = 'The session was interrupted. Continue your task from where you left off, and finish it.\n';

/** The highest `run-<n>` folder of an agent (0 when there is none). */
const lastRunNumber = (runDir: string): number => {
  try {
    return Math.max(0, ...fs.readdirSync(runDir).map((name) => Number(/^run-(\d+)$/.exec(name)?.[1] ?? 0)));
  } catch {
    return 0;
  }
};
/** How often the analytics log is read while aider runs (it is the only live source of iterations). */
const ANALYTICS_POLL_MS = 250;
const STOP_GRACE_MS = 3000;
const SCROLLBACK_LINES = 5000;
const CHECK_OUTPUT_TAIL_CHARS = 6000;

/**
 * One agent: its task run by real aider processes in a pty inside its worktree,
 * with the screen kept in a headless terminal. Each orchestrator turn is one
 * `aider --message-file` process (its exit is the end-of-turn signal); follow-up
 * turns continue the conversation with --restore-chat-history.
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

  private process: pty.IPty | undefined;
  private cols: number;
  private rows: number;
  /** Usage of earlier runs (before a restart); the cap applies to the current run only. */
  private previousUsage: Usage = emptyUsage();
  private current: AnalyticsReport = { usage: emptyUsage(), starts: 0, exceptions: 0, exitReason: undefined };
  private attempt = 0;
  private stopRequested = false;
  /** The next run continues the conversation of the last one (resume after a crash). */
  private continuing = false;
  private capReached = false;
  private outputTimer: NodeJS.Timeout | undefined;
  private readonly lines = new OutputLines((line) => this.emit('line', line));
  private running: Promise<AgentResult> | undefined;

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
    this.terminal = new xterm.Terminal({ cols: this.cols, rows: this.rows, scrollback: SCROLLBACK_LINES, allowProposedApi: true });
    this.viewport = new TerminalViewport(this.terminal);
    // The terminal answers aider's queries (cursor position, device attributes) through the pty.
    this.terminal.onData((data) => this.process?.write(data));
  }

  get usage(): Usage {
    return addUsage(this.previousUsage, this.current.usage);
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
    this.running ??= this.runTurns().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async runTurns(): Promise<AgentResult> {
    if (isFinalState(this.state)) return this.result();
    const continuing = this.continuing;
    this.continuing = false;
    this.attempt = continuing ? Math.max(1, lastRunNumber(this.options.runDir)) : this.attempt + 1;
    this.startedAt = continuing ? (this.options.resume?.startedAt ?? Date.now()) : Date.now();
    this.finishedAt = undefined;
    const dir = path.join(this.options.runDir, `run-${this.attempt}`);
    fs.mkdirSync(dir, { recursive: true });
    const analyticsLog = path.join(dir, 'analytics.jsonl');
    const files = {
      analyticsLog,
      chatHistoryFile: path.join(dir, 'chat.history.md'),
      inputHistoryFile: path.join(dir, 'input.history'),
    };
    const metadata = localModelMetadata(this.options.model);
    const modelMetadataFile = metadata ? path.join(dir, 'model-metadata.json') : undefined;
    if (modelMetadataFile) fs.writeFileSync(modelMetadataFile, JSON.stringify(metadata, null, 2));
    this.setState('starting');
    let message = continuing ? RESUME_MESSAGE : agentMessage(this.options.task, this.options.prd);
    // Turns so far in this folder (a resumed run goes on numbering its message files).
    const firstTurn = continuing ? fs.readdirSync(dir).filter((name) => /^message-\d+\.md$/.test(name)).length + 1 : 1;
    for (let turn = firstTurn; ; turn += 1) {
      const messageFile = path.join(dir, `message-${turn}.md`);
      fs.writeFileSync(messageFile, message);
      const iterationsBefore = this.current.usage.iterations;
      const exit = await this.runAider(
        buildAiderArgs({
          model: this.options.model,
          ...files,
          messageFile,
          restoreChatHistory: turn > 1 || continuing,
          modelMetadataFile,
          files: this.files,
          extraArgs: this.options.extraArgs,
        }),
        analyticsLog,
      );
      this.readAnalytics(analyticsLog);
      const record: TurnRecord = {
        turn,
        kind: turn === 1 ? 'task' : continuing && turn === firstTurn ? 'resume' : 'check-fix',
        exitCode: exit.exitCode,
        signal: exit.signal,
        iterations: this.current.usage.iterations - iterationsBefore,
        exitReason: this.current.exitReason,
      };
      this.emit('turn', record);
      this.exitCode = exit.exitCode;

      if (this.stopRequested) return this.finish('stopped', 'stopped by the user');
      if (this.capReached) {
        return this.finish('failed', `reached --max-iterations (${this.maxIterations}) before aider finished`);
      }
      if (exit.error) return this.finish('failed', exit.error);
      if (exit.exitCode !== 0) {
        return this.finish('failed', `aider exited with code ${exit.exitCode}${exit.signal ? ` (signal ${exit.signal})` : ''}${this.lastErrorLine()}`);
      }
      if (record.iterations === 0) {
        return this.finish('failed', `the model call failed${this.lastErrorLine() || ' (no reply from the model)'}`);
      }
      if (!this.options.checkCommand) return this.finish('succeeded', undefined);

      this.setState('waiting', `running the check: ${this.options.checkCommand}`);
      const check = await this.runCheck(this.options.checkCommand);
      if (this.stopRequested) return this.finish('stopped', 'stopped by the user');
      if (check.passed) return this.finish('succeeded', undefined);
      if (this.current.usage.iterations >= this.maxIterations) {
        return this.finish('failed', `the check still fails after ${this.current.usage.iterations} iteration(s), the --max-iterations cap`);
      }
      message = checkFailedMessage(this.options.checkCommand, check.exitCode, check.output);
    }
  }

  /** Spawns one aider in a pty and waits for it to exit, enforcing the iteration cap as it runs. */
  private runAider(
    args: string[],
    analyticsLog: string,
  ): Promise<{ exitCode: number | undefined; signal: number | undefined; error?: string }> {
    return new Promise((resolve) => {
      let child: pty.IPty;
      try {
        child = pty.spawn(this.options.aiderBin, args, {
          name: 'xterm-256color',
          cols: this.cols,
          rows: this.rows,
          cwd: this.worktree,
          env: this.options.env as Record<string, string>,
        });
      } catch (error) {
        resolve({ exitCode: undefined, signal: undefined, error: `cannot start ${this.options.aiderBin}: ${(error as Error).message}` });
        return;
      }
      this.process = child;
      const poll = setInterval(() => this.readAnalytics(analyticsLog), ANALYTICS_POLL_MS);
      child.onData((data) => {
        // xterm parses asynchronously: announce the output once it is on the screen, or a
        // pane drawn in between would keep the old screen until the next output.
        this.terminal.write(data, () => this.scheduleOutput());
        this.lines.push(data);
      });
      child.onExit(({ exitCode, signal }) => {
        clearInterval(poll);
        this.lines.flush();
        this.process = undefined;
        resolve({ exitCode, signal: signal || undefined });
      });
    });
  }

  /** Reads the analytics log: state from the LLM calls, the cap enforced at the next call's start. */
  private readAnalytics(file: string): void {
    const before = this.current;
    this.current = readAnalyticsReport(file);
    if (this.current.usage.iterations !== before.usage.iterations) this.emit('usage', this.usage);
    if (this.current.starts > before.starts && !isFinalState(this.state)) {
      const inFlight = this.current.starts > this.current.usage.iterations + this.current.exceptions;
      if (this.current.usage.iterations >= this.maxIterations && inFlight && !this.capReached) {
        // The next LLM call would exceed --max-iterations: end the process now.
        this.capReached = true;
        this.kill();
        return;
      }
      if (this.state !== 'working') this.setState('working');
    }
  }

  private async runCheck(command: string): Promise<{ passed: boolean; exitCode: number | undefined; output: string }> {
    this.writeNotice(`$ ${command}`);
    const result = await execa(command, {
      shell: true,
      cwd: this.worktree,
      all: true,
      reject: false,
      env: this.options.env,
      extendEnv: false,
    });
    const output = String(result.all ?? '');
    for (const line of output.split('\n').slice(-20)) if (line.trim()) this.writeNotice(line);
    this.writeNotice(result.failed ? `check failed (exit ${result.exitCode})` : 'check passed');
    return { passed: !result.failed, exitCode: result.exitCode, output: output.slice(-CHECK_OUTPUT_TAIL_CHARS) };
  }

  /** A line from the orchestrator itself, shown in the pane and the headless output. */
  private writeNotice(text: string): void {
    this.terminal.write(`\r\n\x1b[36m[orchestrator]\x1b[0m ${text.replace(/\n/g, '\r\n')}\r\n`, () => this.scheduleOutput());
    this.emit('line', `[orchestrator] ${text}`);
  }

  /** The last error-looking line on screen, for the failure reason. */
  private lastErrorLine(): string {
    const buffer = this.terminal.buffer.active;
    for (let y = buffer.length - 1; y >= 0 && y >= buffer.length - 200; y -= 1) {
      const text = buffer.getLine(y)?.translateToString(true).trim() ?? '';
      if (/error|exception|failed|unauthori[sz]ed|not found/i.test(text)) return `: ${text.slice(0, 200)}`;
    }
    return '';
  }

  private scheduleOutput(): void {
    this.outputTimer ??= setTimeout(() => {
      this.outputTimer = undefined;
      this.emit('output');
    }, OUTPUT_THROTTLE_MS);
  }

  private setState(state: AgentState, reason?: string): void {
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

  /** Ends the running aider: SIGTERM, then SIGKILL after a grace period. */
  private kill(): void {
    const child = this.process;
    if (!child) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => {
      if (this.process === child) child.kill('SIGKILL');
    }, STOP_GRACE_MS);
    child.onExit(() => clearTimeout(timer));
  }

  /** Stops the agent: a queued one never starts, a running one is ended (its work so far stays committed). */
  async stop(): Promise<void> {
    if (isFinalState(this.state)) return;
    this.stopRequested = true;
    if (!this.running) {
      this.finish('stopped', 'stopped before it started');
      return;
    }
    this.kill();
    await this.running;
  }

  /** Makes a finished agent runnable again (same worktree and branch, a fresh conversation and cap). */
  prepareRestart(): void {
    if (!isFinalState(this.state)) return;
    this.previousUsage = this.usage;
    this.current = { usage: emptyUsage(), starts: 0, exceptions: 0, exitReason: undefined };
    this.stopRequested = false;
    this.capReached = false;
    this.exitCode = undefined;
    this.writeNotice('restarted');
    this.setState('queued');
  }

  /** Raw keystrokes to aider (focus mode). */
  write(data: string): void {
    this.process?.write(data);
  }

  resize(cols: number, rows: number): void {
    if (cols < 2 || rows < 1 || (cols === this.cols && rows === this.rows)) return;
    this.cols = cols;
    this.rows = rows;
    this.process?.resize(cols, rows);
    this.terminal.resize(cols, rows);
    this.scheduleOutput();
  }

  /** Kills the process at once and frees the terminal (app exit). */
  dispose(): void {
    this.stopRequested = true;
    if (this.outputTimer) clearTimeout(this.outputTimer);
    this.process?.kill('SIGKILL');
    this.removeAllListeners();
  }
}
