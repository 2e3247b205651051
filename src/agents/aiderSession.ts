import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import xterm from '@xterm/headless';
import * as pty from 'node-pty';
import { isNonInteractiveAiderArg } from '../config/validate.js';
import { buildAiderArgs, localModelMetadata } from './aiderArgs.js';
import { addCommand, checkInstruction, dropCommand, readOnlyCommand } from './aiderInput.js';
import { analyticsReport, parseAnalyticsEvents, type AnalyticsEvent } from './analyticsLog.js';
import { FileTail } from './fileTail.js';
import {
  CRASH_PROMPT,
  isAiderPrompt,
  isQuestion,
  NOTIFICATIONS_COMMAND,
  TerminalSignalScanner,
  type TerminalSignal,
} from './terminalSignals.js';
import { emptyUsage, type Usage } from './types.js';
import { makePrivateDir } from '../logs/privateFiles.js';
import { StreamRedactor, type Redactor } from '../logs/redact.js';

/**
 * One interactive aider in a pty, alive across turns: the session driver. It starts aider
 * warm (at its prompt, no file, no message), types turns into it (`/add`, `/read-only`, a
 * one-line instruction), and knows when a turn ends from aider's own signals, never from a
 * timer (docs/aider-sessions.md):
 * - prompt_toolkit switches bracketed paste on when aider waits at a prompt (and off when a
 *   line is accepted); the screen's cursor row tells aider's prompt (`> `) from a question;
 * - the notifications command writes a private OSC sequence to aider's terminal each time
 *   aider waits after an LLM call;
 * - the analytics log says what happened in between (`message_send_starting`, `message_send`,
 *   `message_send_exception`, `cli session`, `exit`), and the chat history records every
 *   accepted input line (`#### <line>`).
 * Both files are written before aider draws its next prompt, so they are complete when the
 * prompt is seen. What to do after a turn (the agent's turn policy) is not decided here.
 */

export interface AiderSessionOptions {
  aiderBin: string;
  /** aider's working directory: the agent's worktree. */
  cwd: string;
  /**
   * The session's own folder: analytics log, chat and input history, model metadata.
   * A later session with `restoreChatHistory` in the same folder continues the conversation.
   */
  stateDir: string;
  model: string;
  /** aider's whole environment (see buildAiderEnv). */
  env: NodeJS.ProcessEnv;
  /** The user's extra aider arguments (after the session's own, so they win). */
  extraArgs?: readonly string[];
  /** Continue the conversation kept in `stateDir` (resume, follow-up after the app exited). */
  restoreChatHistory?: boolean;
  cols: number;
  rows: number;
  /** The headless terminal to draw into (an agent keeps one across sessions); one is made if absent. */
  terminal?: xterm.Terminal;
  /** close(): how long aider gets after `/exit`, then after SIGTERM, before SIGKILL. */
  stopGraceMs?: number;
  /** Masks secrets in aider's output before its terminal (the pane, the screen checks) sees it. */
  redactor?: Redactor;
}

/** `new` → `starting` → `prompt` ⇄ `busy` (⇄ `question`) → `exited`. */
export type SessionPhase = 'new' | 'starting' | 'prompt' | 'busy' | 'question' | 'exited';

export interface SessionReady {
  /** false when aider runs without git ("Git repo: none"): it would commit nothing. */
  gitRepo: boolean;
  /** spawn → aider at its prompt. */
  startMs: number;
}

/** One turn: files for aider's commands, then a one-line instruction. */
export interface TurnInput {
  /** Files to take out of the chat first (`/drop`; absolute paths for read-only files). */
  dropFiles?: readonly string[];
  /** Repo-relative files aider may edit (`/add`). */
  addFiles?: readonly string[];
  /** Absolute paths aider reads for context (`/read-only`): the task, a message file. */
  readOnlyFiles?: readonly string[];
  /** One line, typed at the prompt; longer text goes in a read-only file. */
  message: string;
}

/** What one turn did, from the analytics events and notifications between two prompts. */
export interface TurnResult {
  /** `driver`: sendTurn's message; `person`: a line typed through write(). */
  origin: 'driver' | 'person';
  /** LLM calls begun (`message_send_starting`), the first one and aider's reflections. */
  llmCalls: number;
  /** Completed LLM calls (`message_send`: iterations), their tokens and cost. */
  usage: Usage;
  /** `message_send_exception` texts. */
  exceptions: string[];
  /** Times the notifications command ran (aider waited after an LLM call). */
  notifications: number;
  /** The turn was interrupted (sendTurn's signal). */
  aborted: boolean;
  /** aider stopped at a question instead of its prompt (not with --yes-always, see the docs). */
  question: string | undefined;
  durationMs: number;
}

export interface SessionExit {
  exitCode: number | undefined;
  signal: number | undefined;
  /** One line: why aider ended, with its last error line when there is one. */
  reason: string;
  /** The crash report's title (`Uncaught LookupError in pathlib.py line 1044`), when aider crashed. */
  crash: string | undefined;
  /** close() or dispose() ended it. */
  requested: boolean;
}

/** A session ended while something waited on it (start, a turn). */
export class SessionExitError extends Error {
  override readonly name = 'SessionExitError';
  constructor(readonly exit: SessionExit) {
    super(exit.reason);
  }
}

export interface AiderSessionEvents {
  /** Raw pty output, as it comes (the terminal is fed already). */
  data: [chunk: string];
  /** The terminal parsed new output. */
  screen: [];
  ready: [ready: SessionReady];
  /** Each analytics event as aider writes it (the iteration cap acts on `message_send_starting`). */
  analytics: [event: AnalyticsEvent];
  /** The first LLM call after an input line: a turn started. */
  turnStart: [origin: 'driver' | 'person'];
  notification: [];
  turn: [turn: TurnResult];
  question: [text: string];
  crash: [title: string];
  exit: [exit: SessionExit];
}

type Waiter =
  | { kind: 'ready'; resolve: (ready: SessionReady) => void; reject: (error: Error) => void }
  | { kind: 'command'; line: string; resolve: () => void; reject: (error: Error) => void }
  | {
      kind: 'message';
      line: string;
      startedAt: number;
      abortRequested: boolean;
      interruptSent: boolean;
      resolve: (turn: TurnResult) => void;
      reject: (error: Error) => void;
    };

const STOP_GRACE_MS = 3000;
const SCROLLBACK_LINES = 5000;
/** Only when fs.watch is unavailable: how often the analytics log is read for live events. */
const ANALYTICS_POLL_MS = 250;

export class AiderSession extends EventEmitter<AiderSessionEvents> {
  readonly terminal: xterm.Terminal;
  readonly analyticsLog: string;
  readonly chatHistoryFile: string;
  phase: SessionPhase = 'new';

  private process: pty.IPty | undefined;
  private spawnedAt = 0;
  private readonly scanner = new TerminalSignalScanner();
  private analytics: FileTail | undefined;
  private chat: FileTail | undefined;
  private watcher: fs.FSWatcher | undefined;
  private poll: NodeJS.Timeout | undefined;
  private terminalInput: { dispose(): void } | undefined;
  /** This session's analytics events, in order. */
  private readonly events: AnalyticsEvent[] = [];
  private notifications = 0;
  /** What the last prompt consumed: the next turn is what came after. */
  private mark = { event: 0, notifications: 0 };
  private chatSinceMark: string[] = [];
  private promptPending = false;
  private waiter: Waiter | undefined;
  private turnActive = false;
  private crash: string | undefined;
  private closeRequested = false;
  private exitInfo: SessionExit | undefined;
  /** aider's output on its way to the terminal, secrets masked (a chunk may split one). */
  private readonly masked: StreamRedactor | undefined;
  private readonly exited: Promise<SessionExit>;
  private resolveExited!: (exit: SessionExit) => void;

  constructor(private readonly options: AiderSessionOptions) {
    super();
    const bad = (options.extraArgs ?? []).find(isNonInteractiveAiderArg);
    if (bad) throw new Error(`aider argument ${bad} cannot be used in an interactive session`);
    this.terminal =
      options.terminal ??
      new xterm.Terminal({ cols: options.cols, rows: options.rows, scrollback: SCROLLBACK_LINES, allowProposedApi: true });
    const terminal = this.terminal;
    this.masked = options.redactor ? new StreamRedactor(options.redactor, (text) => terminal.write(text)) : undefined;
    this.analyticsLog = path.join(options.stateDir, 'analytics.jsonl');
    this.chatHistoryFile = path.join(options.stateDir, 'chat.history.md');
    this.exited = new Promise((resolve) => (this.resolveExited = resolve));
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  /** Usage of every LLM call in this session so far. */
  get usage(): Usage {
    return analyticsReport(this.events).usage;
  }

  /** Starts aider and resolves when it waits at its first prompt (no file, no message: no LLM call). */
  start(): Promise<SessionReady> {
    if (this.phase !== 'new') throw new Error(`the session was started already (${this.phase})`);
    const { options } = this;
    makePrivateDir(options.stateDir);
    const metadata = localModelMetadata(options.model);
    const modelMetadataFile = metadata ? path.join(options.stateDir, 'model-metadata.json') : undefined;
    if (modelMetadataFile) fs.writeFileSync(modelMetadataFile, JSON.stringify(metadata, null, 2));
    // Events of an earlier session in this folder are not this one's.
    fs.appendFileSync(this.analyticsLog, '');
    this.analytics = new FileTail(this.analyticsLog, 'end');
    this.chat = new FileTail(this.chatHistoryFile, 'end');
    const args = buildAiderArgs({
      model: options.model,
      analyticsLog: this.analyticsLog,
      chatHistoryFile: this.chatHistoryFile,
      inputHistoryFile: path.join(options.stateDir, 'input.history'),
      restoreChatHistory: options.restoreChatHistory ?? false,
      modelMetadataFile,
      notificationsCommand: NOTIFICATIONS_COMMAND,
      files: [],
      extraArgs: options.extraArgs ?? [],
    });
    const ready = new Promise<SessionReady>((resolve, reject) => (this.waiter = { kind: 'ready', resolve, reject }));
    this.phase = 'starting';
    this.spawnedAt = performance.now();
    try {
      this.process = pty.spawn(options.aiderBin, args, {
        name: 'xterm-256color',
        cols: options.cols,
        rows: options.rows,
        cwd: options.cwd,
        env: options.env as Record<string, string>,
      });
    } catch (error) {
      this.finish({
        exitCode: undefined,
        signal: undefined,
        reason: `cannot start ${options.aiderBin}: ${(error as Error).message}`,
        crash: undefined,
        requested: false,
      });
      return ready;
    }
    const child = this.process;
    // The terminal answers aider's queries (cursor position, device attributes) through the pty.
    this.terminalInput = this.terminal.onData((data) => {
      if (this.process === child) child.write(data);
    });
    child.onData((data) => this.onData(data));
    child.onExit(({ exitCode, signal }) => {
      // Everything aider printed is parsed before the reason is read from the screen.
      this.masked?.flush();
      this.terminal.write('', () => this.onExit(exitCode, signal || undefined));
    });
    this.watchAnalytics();
    return ready;
  }

  /**
   * Types one turn: `/drop`, `/add`, `/read-only` (each waited for), then the instruction.
   * Resolves when aider is back at its prompt after the LLM call(s) the instruction started;
   * rejects when aider exits first. `signal` interrupts the turn (Ctrl-C, as a person would).
   */
  async sendTurn(input: TurnInput, options: { signal?: AbortSignal } = {}): Promise<TurnResult> {
    const commands = [
      ...(input.dropFiles?.length ? [dropCommand(input.dropFiles)] : []),
      ...(input.addFiles?.length ? [addCommand(input.addFiles)] : []),
      ...(input.readOnlyFiles?.length ? [readOnlyCommand(input.readOnlyFiles)] : []),
    ];
    const message = checkInstruction(input.message);
    if (this.turnActive || this.waiter || this.phase !== 'prompt')
      throw new Error(`aider is not waiting at its prompt (the session is ${this.turnActive ? 'in a turn' : this.phase})`);
    this.turnActive = true;
    const startedAt = performance.now();
    try {
      for (const line of commands) {
        if (options.signal?.aborted) return this.emptyTurn(startedAt);
        await this.typeCommand(line);
      }
      if (options.signal?.aborted) return this.emptyTurn(startedAt);
      return await this.typeMessage(message, startedAt, options.signal);
    } finally {
      this.turnActive = false;
    }
  }

  /** Raw keystrokes (focus mode: a person typing). A person's turn is reported by the `turn` event. */
  write(data: string): void {
    if (this.phase !== 'exited') this.process?.write(data);
  }

  resize(cols: number, rows: number): void {
    if (cols < 2 || rows < 1) return;
    if (this.phase !== 'exited') this.process?.resize(cols, rows);
    this.terminal.resize(cols, rows);
  }

  /** Resolves when aider has exited (however it ended). */
  whenExited(): Promise<SessionExit> {
    return this.exited;
  }

  /**
   * Ends aider: `/exit` when it waits at its prompt, else SIGTERM, then SIGKILL after the grace
   * period. Once aider has logged its `exit` event (chat, history and commits are all written)
   * it is not waited for: its own teardown (Python's exit) takes seconds.
   * Resolves once the process is gone.
   */
  async close(): Promise<SessionExit> {
    if (this.exitInfo) return this.exitInfo;
    this.closeRequested = true;
    if (!this.process) {
      this.finish({ exitCode: undefined, signal: undefined, reason: 'closed before it started', crash: undefined, requested: true });
      return this.exited;
    }
    const grace = this.options.stopGraceMs ?? STOP_GRACE_MS;
    if (this.phase === 'prompt') {
      const exitLogged = new Promise<void>((resolve) => {
        const onEvent = (event: AnalyticsEvent) => {
          if (event.event !== 'exit') return;
          this.off('analytics', onEvent);
          resolve();
        };
        this.on('analytics', onEvent);
      });
      this.process.write('/exit\r');
      await this.within(grace, Promise.race([exitLogged, this.exited]));
    }
    this.signal('SIGTERM');
    if (await this.within(grace, this.exited)) return this.exited;
    this.signal('SIGKILL');
    return this.exited;
  }

  /** Kills aider at once (the app is exiting). */
  dispose(): void {
    this.closeRequested = true;
    // Never started (a warm start waiting on the worktree's setup): it never will be.
    if (!this.process) {
      this.finish({ exitCode: undefined, signal: undefined, reason: 'closed before it started', crash: undefined, requested: true });
      return;
    }
    if (!this.exitInfo) this.signal('SIGKILL');
  }

  /** The last error-looking line on screen (a failed model call, a crash). */
  lastErrorLine(): string | undefined {
    const buffer = this.terminal.buffer.active;
    for (let y = buffer.length - 1; y >= 0 && y >= buffer.length - 200; y -= 1) {
      const text = buffer.getLine(y)?.translateToString(true).trim() ?? '';
      if (/error|exception|failed|unauthori[sz]ed|not found/i.test(text) && !text.includes(CRASH_PROMPT)) return text.slice(0, 200);
    }
    return undefined;
  }

  private onData(data: string): void {
    this.emit('data', data);
    const signals = this.scanner.scan(data);
    if (this.masked) this.masked.write(data);
    else this.terminal.write(data);
    // Signals are handled once the terminal has parsed their chunk (writes are parsed in
    // order): the screen then shows what aider drew with them (the prompt, a question).
    this.terminal.write('', () => {
      this.emit('screen');
      this.onParsed(signals);
    });
  }

  private onParsed(signals: TerminalSignal[]): void {
    if (this.phase === 'exited') return;
    for (const signal of signals) {
      if (signal === 'notified') {
        this.notifications += 1;
        this.emit('notification');
      } else if (signal === 'input-off') {
        this.promptPending = false;
        if (this.phase === 'prompt' || this.phase === 'question') this.phase = 'busy';
        // An interrupt asked for while this chunk was still being parsed goes out now.
        if (this.waiter?.kind === 'message' && this.waiter.abortRequested) this.requestInterrupt();
      } else {
        this.promptPending = true;
      }
    }
    if (this.promptPending) this.checkPrompt();
    else if (this.phase !== 'prompt' && !this.crash) this.checkCrashPrompt();
  }

  /** prompt_toolkit waits for a line: aider's prompt, or a question? The cursor row says. */
  private checkPrompt(): void {
    const buffer = this.terminal.buffer.active;
    const row = buffer.getLine(buffer.baseY + buffer.cursorY);
    const beforeCursor = row?.translateToString(false, 0, buffer.cursorX) ?? '';
    if (isAiderPrompt(beforeCursor)) {
      this.promptPending = false;
      this.onPrompt();
    } else if (isQuestion(beforeCursor)) {
      this.promptPending = false;
      this.onQuestion(beforeCursor.trim());
    }
  }

  private onPrompt(): void {
    this.readAnalytics();
    this.chatSinceMark.push(...(this.chat?.readLines() ?? []));
    const starting = this.phase === 'starting';
    this.phase = 'prompt';
    const waiter = this.waiter;
    if (starting) {
      this.setMark();
      if (waiter?.kind !== 'ready') return;
      this.waiter = undefined;
      if (!this.events.some((event) => event.event === 'cli session')) {
        waiter.reject(
          new Error(
            `aider is at its prompt but its analytics log ${this.analyticsLog} has no 'cli session' event: iterations cannot be counted`,
          ),
        );
        return;
      }
      const ready: SessionReady = {
        gitRepo: !(this.events.some((event) => event.event === 'no-repo') && this.screenText().includes('Git repo: none')),
        startMs: performance.now() - this.spawnedAt,
      };
      this.emit('ready', ready);
      waiter.resolve(ready);
      return;
    }
    const events = this.events.slice(this.mark.event);
    const llmCalls = events.filter((event) => event.event === 'message_send_starting').length;
    if (llmCalls > 0 || (waiter?.kind === 'message' && this.accepted(waiter.line))) {
      this.endTurn(undefined);
      return;
    }
    if (waiter?.kind === 'command' && this.accepted(waiter.line)) {
      this.setMark();
      this.waiter = undefined;
      waiter.resolve();
      return;
    }
    // A person's command (no LLM call), or only a redraw (a resize): nothing to report.
    if (this.chatSinceMark.some((line) => line.startsWith('#### '))) this.setMark();
  }

  private onQuestion(text: string): void {
    this.readAnalytics();
    this.phase = 'question';
    this.emit('question', text);
    const waiter = this.waiter;
    if (waiter?.kind === 'message') this.endTurn(text);
    else if (waiter) {
      this.waiter = undefined;
      waiter.reject(new Error(`aider asks: ${text}`));
    }
  }

  /** Reports the turn between the last mark and now, and resolves sendTurn's wait if it was its. */
  private endTurn(question: string | undefined): void {
    const waiter = this.waiter?.kind === 'message' ? this.waiter : undefined;
    const events = this.events.slice(this.mark.event);
    const report = analyticsReport(events);
    const turn: TurnResult = {
      origin: waiter ? 'driver' : 'person',
      llmCalls: report.starts,
      usage: report.usage,
      exceptions: events
        .filter((event) => event.event === 'message_send_exception')
        .map((event) => String(event.properties.exception ?? '')),
      notifications: this.notifications - this.mark.notifications,
      aborted: waiter?.abortRequested ?? false,
      question,
      durationMs: waiter ? performance.now() - waiter.startedAt : 0,
    };
    this.setMark();
    if (waiter) this.waiter = undefined;
    this.emit('turn', turn);
    waiter?.resolve(turn);
  }

  /** The chat history since the last prompt records `line` as accepted input. */
  private accepted(line: string): boolean {
    const entry = `#### ${line}`.trimEnd();
    return this.chatSinceMark.some((text) => text.trimEnd() === entry);
  }

  private setMark(): void {
    this.mark = { event: this.events.length, notifications: this.notifications };
    this.chatSinceMark = [];
  }

  private typeCommand(line: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiter = { kind: 'command', line, resolve, reject };
      this.process?.write(`${line}\r`);
    });
  }

  private typeMessage(line: string, startedAt: number, signal: AbortSignal | undefined): Promise<TurnResult> {
    const turn = new Promise<TurnResult>((resolve, reject) => {
      this.waiter = { kind: 'message', line, startedAt, abortRequested: false, interruptSent: false, resolve, reject };
    });
    const onAbort = () => this.requestInterrupt();
    signal?.addEventListener('abort', onAbort, { once: true });
    this.process?.write(`${line}\r`);
    return turn.finally(() => signal?.removeEventListener('abort', onAbort));
  }

  /**
   * Ctrl-C, once, and only after the turn's LLM call has begun: aider then runs outside
   * prompt_toolkit (the terminal's ISIG makes it SIGINT, which ends the call and returns
   * to the prompt). Sooner, the byte could be read as typeahead by the next prompt; and a
   * second Ctrl-C within 2 s would exit aider.
   */
  private requestInterrupt(): void {
    const waiter = this.waiter;
    if (waiter?.kind !== 'message') return;
    waiter.abortRequested = true;
    const started = this.events.slice(this.mark.event).some((event) => event.event === 'message_send_starting');
    if (started && !waiter.interruptSent && this.phase === 'busy') {
      waiter.interruptSent = true;
      this.process?.write('\x03');
    }
  }

  private emptyTurn(startedAt: number): TurnResult {
    return {
      origin: 'driver',
      llmCalls: 0,
      usage: emptyUsage(),
      exceptions: [],
      notifications: 0,
      aborted: true,
      question: undefined,
      durationMs: performance.now() - startedAt,
    };
  }

  private watchAnalytics(): void {
    try {
      this.watcher = fs.watch(this.analyticsLog, () => this.readAnalytics());
      this.watcher.on('error', () => this.pollAnalytics());
    } catch {
      this.pollAnalytics();
    }
  }

  private pollAnalytics(): void {
    this.watcher?.close();
    this.watcher = undefined;
    this.poll ??= setInterval(() => this.readAnalytics(), ANALYTICS_POLL_MS);
  }

  private readAnalytics(): void {
    const lines = this.analytics?.readLines() ?? [];
    if (lines.length === 0) return;
    for (const event of parseAnalyticsEvents(lines.join('\n'))) {
      this.events.push(event);
      this.emit('analytics', event);
      if (event.event !== 'message_send_starting' || this.phase === 'starting') continue;
      const waiter = this.waiter;
      const starts = this.events.slice(this.mark.event).filter((e) => e.event === 'message_send_starting').length;
      if (starts === 1) this.emit('turnStart', waiter?.kind === 'message' ? 'driver' : 'person');
      if (waiter?.kind === 'message' && waiter.abortRequested) this.requestInterrupt();
    }
  }

  /** aider's crash report waits on a plain input(): report it, answer no, let aider exit. */
  private checkCrashPrompt(): void {
    const buffer = this.terminal.buffer.active;
    const row = buffer.getLine(buffer.baseY + buffer.cursorY)?.translateToString(true) ?? '';
    if (!row.includes(CRASH_PROMPT)) return;
    const title = this.findLine((text) => text.startsWith('# Uncaught '))?.slice(2) ?? 'an uncaught exception';
    this.crash = title;
    this.emit('crash', title);
    this.process?.write('n\r');
  }

  private onExit(exitCode: number, signal: number | undefined): void {
    this.readAnalytics();
    const exitReason = this.events.findLast((event) => event.event === 'exit')?.properties.reason;
    const lastError = this.lastErrorLine();
    const detail = lastError ? `: ${lastError}` : '';
    const signalName = signal
      ? (Object.entries(os.constants.signals).find(([, number]) => number === signal)?.[0] ?? `signal ${signal}`)
      : undefined;
    const reason = this.crash
      ? `aider crashed (${this.crash})${detail}`
      : exitReason !== undefined
        ? `aider exited (${String(exitReason)})`
        : signalName
          ? `aider was killed by ${signalName}${detail}`
          : `aider exited with code ${exitCode}${detail}`;
    this.finish({ exitCode, signal, reason, crash: this.crash, requested: this.closeRequested });
  }

  private finish(exit: SessionExit): void {
    if (this.exitInfo) return;
    this.exitInfo = exit;
    this.phase = 'exited';
    this.watcher?.close();
    if (this.poll) clearInterval(this.poll);
    this.terminalInput?.dispose();
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.reject(new SessionExitError(exit));
    this.resolveExited(exit);
    this.emit('exit', exit);
  }

  /** The signal to aider's process group (node-pty makes aider a session leader): its children go too. */
  private signal(name: NodeJS.Signals): void {
    const pid = this.process?.pid;
    if (pid === undefined || this.exitInfo) return;
    try {
      process.kill(-pid, name);
    } catch {
      try {
        process.kill(pid, name);
      } catch {
        // gone already
      }
    }
  }

  /** true if `done` settles within `ms`. */
  private async within(ms: number, done: Promise<unknown>): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
    try {
      return await Promise.race([done.then(() => true as const), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private findLine(test: (text: string) => boolean): string | undefined {
    const buffer = this.terminal.buffer.active;
    for (let y = buffer.length - 1; y >= 0 && y >= buffer.length - 400; y -= 1) {
      const text = buffer.getLine(y)?.translateToString(true).trim() ?? '';
      if (test(text)) return text;
    }
    return undefined;
  }

  private screenText(): string {
    const buffer = this.terminal.buffer.active;
    return Array.from({ length: buffer.length }, (_, y) => buffer.getLine(y)?.translateToString(true) ?? '').join('\n');
  }
}
