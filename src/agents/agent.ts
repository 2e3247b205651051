import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import xterm from '@xterm/headless';
import * as pty from 'node-pty';
import { formatDuration } from '../config/duration.js';
import { commitsSince } from '../git/commits.js';
import { dirtyFiles } from '../git/repo.js';
import { makePrivateDir, makeTreePrivate, writePrivateFile } from '../logs/privateFiles.js';
import type { Redactor } from '../logs/redact.js';
import type { AgentTask } from '../plan/types.js';
import { buildAiderArgs, localModelMetadata } from './aiderArgs.js';
import { addUsage, readAnalyticsReport, type AnalyticsReport } from './analyticsLog.js';
import { CheckProcess, type CheckResult } from './checkCommand.js';
import { OutputLines } from './outputLines.js';
import { agentMessage, checkFailedMessage } from './taskMessage.js';
import { emptyUsage, isFinalState, type AgentState, type AgentView, type Usage } from './types.js';
import { TerminalViewport } from './viewport.js';

export interface AgentOptions {
  task: AgentTask;
  branch: string;
  /** The agent's git worktree: aider's cwd. */
  worktree: string;
  /** The run's base commit: an agent with no commit since it has made no change. */
  baseCommit: string;
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
  /** ms without a finished output line or an analytics event before aider is ended and the agent fails. */
  idleTimeout: number;
  /** ms the check command may run before its processes are ended and the agent fails. */
  checkTimeout: number;
  /** Masks secrets in everything the agent writes or shows: message files, output lines, reasons. */
  redactor: Redactor;
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

/** The reason of an agent whose run made no commit: it is not a success. */
export const NO_CHANGES = 'no changes: aider made no commit';

/** Finished output lines kept to explain a crash (aider prints the traceback just before its prompt). */
const RECENT_LINES = 80;

/**
 * Aider's crash report ends with this line and then asks "Open a GitHub Issue ... (Y/n)",
 * a prompt --yes-always does not answer: the process would wait for ever.
 */
const CRASH_REPORT_LINE = /^Please consider reporting this bug to help improve aider!|^Open a GitHub Issue pre-filled with the above error/;

/** Aider's banner line when it found no git repository: its edits would be committed nowhere. */
const NO_GIT_REPO_LINE = /^Git repo: none$/;

/** The first message of a resumed agent: its conversation so far comes back with --restore-chat-history. */
const RESUME_MESSAGE = 'The session was interrupted. Continue your task from where you left off, and finish it.\n';

const emptyReport = (): AnalyticsReport => ({ usage: emptyUsage(), starts: 0, exceptions: 0, exitReason: undefined, events: 0 });

/** Signals a pty's child and its process group (node-pty starts it as a session and group leader). */
const signalGroup = (child: pty.IPty, signal: NodeJS.Signals): void => {
  try {
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal); // no group (already gone): the process alone, if still there
  }
};

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
  private current: AnalyticsReport = emptyReport();
  private attempt = 0;
  private stopRequested = false;
  /** The next run continues the conversation of the last one (resume after a crash). */
  private continuing = false;
  private capReached = false;
  /** Why the orchestrator ended the running aider (no sign of life, crash prompt, no git repo). */
  private ending: string | undefined;
  /** When aider last printed a finished line or logged an analytics event. */
  private lastSignOfLife = 0;
  private recentLines: string[] = [];
  private check: CheckProcess | undefined;
  private outputTimer: NodeJS.Timeout | undefined;
  private readonly lines = new OutputLines((line) => this.onAiderLine(line));
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
    makePrivateDir(dir);
    const analyticsLog = path.join(dir, 'analytics.jsonl');
    const files = {
      analyticsLog,
      chatHistoryFile: path.join(dir, 'chat.history.md'),
      inputHistoryFile: path.join(dir, 'input.history'),
    };
    const metadata = localModelMetadata(this.options.model);
    const modelMetadataFile = metadata ? path.join(dir, 'model-metadata.json') : undefined;
    if (modelMetadataFile) writePrivateFile(modelMetadataFile, JSON.stringify(metadata, null, 2));
    this.setState('starting');
    let message = continuing ? RESUME_MESSAGE : agentMessage(this.options.task, this.options.prd);
    // Turns so far in this folder (a resumed run goes on numbering its message files).
    const firstTurn = continuing ? fs.readdirSync(dir).filter((name) => /^message-\d+\.md$/.test(name)).length + 1 : 1;
    for (let turn = firstTurn; ; turn += 1) {
      if (this.stopRequested) return this.finish('stopped', 'stopped by the user');
      const messageFile = path.join(dir, `message-${turn}.md`);
      // What aider reads reaches its chat history and the model: no secret may be in it.
      writePrivateFile(messageFile, this.redact(message));
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
      // Aider's own files (chat and input history, analytics log) are as private as ours.
      makeTreePrivate(dir);
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
      if (this.ending) return this.finish('failed', this.ending);
      if (exit.error) return this.finish('failed', exit.error);
      if (exit.exitCode !== 0) {
        return this.finish('failed', `aider exited with code ${exit.exitCode}${exit.signal ? ` (signal ${exit.signal})` : ''}${this.lastErrorLine()}`);
      }
      if (record.iterations === 0) {
        return this.finish('failed', `the model call failed${this.lastErrorLine() || ' (no reply from the model)'}`);
      }
      if (!this.options.checkCommand) return this.succeed();

      this.setState('waiting', `running the check: ${this.options.checkCommand}`);
      const check = await this.runCheck(this.options.checkCommand);
      if (this.stopRequested) return this.finish('stopped', 'stopped by the user');
      if (check.error) return this.finish('failed', check.error);
      if (check.timedOut) {
        return this.finish(
          'failed',
          `the check ran longer than ${formatDuration(this.options.checkTimeout)} (--check-timeout) and was ended: ${this.options.checkCommand}`,
        );
      }
      if (check.passed) return this.succeed();
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
      this.lastSignOfLife = Date.now();
      const poll = setInterval(() => this.readAnalytics(analyticsLog), ANALYTICS_POLL_MS);
      const idleTimeout = this.options.idleTimeout;
      // Raw bytes are no sign of life: aider's "Waiting for the model" spinner rewrites one line
      // for ever. Finished lines and analytics events are (see onAiderLine, readAnalytics).
      const watchdog = setInterval(() => {
        if (Date.now() - this.lastSignOfLife < idleTimeout || this.ending) return;
        this.endAider(`no sign of life for ${formatDuration(idleTimeout)}: no output and no aider event (--idle-timeout)`);
      }, Math.min(1000, idleTimeout / 4));
      child.onData((data) => {
        // xterm parses asynchronously: announce the output once it is on the screen, or a
        // pane drawn in between would keep the old screen until the next output.
        this.terminal.write(data, () => this.scheduleOutput());
        this.lines.push(data);
      });
      child.onExit(({ exitCode, signal }) => {
        clearInterval(poll);
        clearInterval(watchdog);
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
    if (this.current.events !== before.events) this.lastSignOfLife = Date.now();
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
    this.writeNotice(
      result.timedOut
        ? `check timed out after ${formatDuration(this.options.checkTimeout)}: ended`
        : passed
          ? 'check passed'
          : `check failed (exit ${result.exitCode ?? `signal ${result.signal}`})`,
    );
    return { ...result, passed, output: output.slice(-CHECK_OUTPUT_TAIL_CHARS) };
  }

  /** A finished line of aider's output: a sign of life, and the place its crash prompt and banner show. */
  private onAiderLine(raw: string): void {
    const line = this.redact(raw);
    this.lastSignOfLife = Date.now();
    this.recentLines.push(line);
    if (this.recentLines.length > RECENT_LINES) this.recentLines.shift();
    if (NO_GIT_REPO_LINE.test(line)) {
      this.endAider(
        `aider found no git repository in ${this.worktree} ("Git repo: none"), so nothing it writes would be committed on ${this.branch}: check the worktree, and that --no-git is not among the aider arguments`,
      );
    } else if (CRASH_REPORT_LINE.test(line)) {
      this.endAider(`aider crashed: ${this.crashError()}`);
    }
    this.emit('line', line);
  }

  /** The exception of aider's crash report: the last line of the traceback, above its closing fence. */
  private crashError(): string {
    const fence = this.recentLines.lastIndexOf('```');
    const error = fence > 0 ? this.recentLines[fence - 1] : this.recentLines.find((line) => line.startsWith('# Uncaught '))?.slice(2);
    return (error ?? 'an uncaught exception (see the agent log)').slice(0, 300);
  }

  /** Ends the running aider for a reason of the orchestrator's; the agent fails with it. */
  private endAider(reason: string): void {
    if (this.ending) return;
    this.ending = reason;
    this.kill();
  }

  /** The end of a run that did what aider was asked: a success only if aider committed something. */
  private async succeed(): Promise<AgentResult> {
    let commits: number;
    try {
      commits = (await commitsSince(this.worktree, this.options.baseCommit)).length;
    } catch (error) {
      return this.finish('failed', `cannot read the commits of ${this.branch} (${(error as Error).message.split('\n')[0]})`);
    }
    if (commits > 0) return this.finish('succeeded', undefined);
    const uncommitted = (await dirtyFiles(this.worktree).catch(() => [])).filter((file) => !file.startsWith('.aider'));
    return this.finish(
      'failed',
      uncommitted.length > 0
        ? `${NO_CHANGES} (${uncommitted.length} uncommitted file${uncommitted.length === 1 ? '' : 's'} in the worktree: is --no-auto-commits among the aider arguments?)`
        : NO_CHANGES,
    );
  }

  private redact(text: string): string {
    return this.options.redactor.redact(text);
  }

  /** A line from the orchestrator itself, shown in the pane and the headless output. */
  private writeNotice(raw: string): void {
    const text = this.redact(raw);
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

  /** Ends the running aider and what it started (its process group): SIGTERM, then SIGKILL after a grace period. */
  private kill(): void {
    const child = this.process;
    if (!child) return;
    signalGroup(child, 'SIGTERM');
    const timer = setTimeout(() => {
      if (this.process === child) signalGroup(child, 'SIGKILL');
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
    this.check?.stop();
    await this.running;
  }

  /** Makes a finished agent runnable again (same worktree and branch, a fresh conversation and cap). */
  prepareRestart(): void {
    if (!isFinalState(this.state)) return;
    this.previousUsage = this.usage;
    this.current = emptyReport();
    this.stopRequested = false;
    this.capReached = false;
    this.ending = undefined;
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
    if (this.process) signalGroup(this.process, 'SIGKILL');
    this.check?.kill();
    this.removeAllListeners();
  }
}
