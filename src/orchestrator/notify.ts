import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { EventEmitter } from 'node:events';
import { isFinalState, WAITING_FOR_PERSON, type AgentState, type AgentView } from '../agents/types.js';
import type { Settings } from '../config/settings.js';
import type { RunEvents } from './events.js';

/** What a person is told about (and `--notify-cmd` gets as AIDER_ORCHESTRATOR_EVENT). */
export type NotifyEvent = 'agent-succeeded' | 'agent-failed' | 'agent-waiting' | 'run-finished';

export interface Notification {
  event: NotifyEvent;
  runId: string;
  /** The agent's number; undefined for run-finished. */
  agent: number | undefined;
  branch: string | undefined;
  /** One line for a person, e.g. `agent 2 failed: no changes: aider made no commit`. */
  message: string;
}

/** One way of telling the user: the terminal, the OS, their own command. */
export interface Notifier {
  notify(notification: Notification): void;
  /** Agents finished so far, of all the run's agents (the window title). */
  progress?(done: number, total: number): void;
  /** Resolves once nothing it started runs any more. */
  close(): Promise<void>;
}

/** What the notifications read of a run (orchestrator/run.ts Run). */
export interface NotifiedRun extends EventEmitter<RunEvents> {
  readonly runId: string;
  readonly agents: readonly AgentView[];
}

const MESSAGE_CHARS = 200;

const agentMessage = (event: NotifyEvent, agent: AgentView, reason: string | undefined): string => {
  const what =
    event === 'agent-succeeded'
      ? `agent ${agent.id} succeeded: ${agent.title}`
      : event === 'agent-failed'
        ? `agent ${agent.id} failed: ${reason ?? agent.title}`
        : `agent ${agent.id} waits for you: ${agent.title}`;
  return what.length > MESSAGE_CHARS ? `${what.slice(0, MESSAGE_CHARS - 1)}…` : what;
};

/**
 * Tells the notifiers when an agent succeeds, fails or waits for a person (its aider is back at
 * the prompt after a person's turn in focus mode), and when the run ends. Returns what stops
 * listening and waits for the notifiers to finish.
 */
export const watchRun = (run: NotifiedRun, notifiers: readonly Notifier[]): { close(): Promise<void> } => {
  const last = new Map<number, AgentState>();
  const tell = (notification: Notification) => {
    for (const notifier of notifiers) notifier.notify(notification);
  };
  const progress = () => {
    const agents = run.agents;
    const done = agents.filter((agent) => isFinalState(agent.state)).length;
    for (const notifier of notifiers) notifier.progress?.(done, agents.length);
  };
  const onState = (id: number, state: AgentState, reason: string | undefined) => {
    const before = last.get(id);
    last.set(id, state);
    const agent = run.agents.find((candidate) => candidate.id === id);
    if (!agent) return;
    const event: NotifyEvent | undefined =
      state === 'succeeded'
        ? 'agent-succeeded'
        : state === 'failed'
          ? 'agent-failed'
          : // A person's turn has ended: aider waits for them (not when they only step into the agent).
            state === 'waiting' && reason === WAITING_FOR_PERSON && before === 'working'
            ? 'agent-waiting'
            : undefined;
    if (isFinalState(state) || isFinalState(before ?? 'queued')) progress();
    if (!event || before === state) return;
    tell({ event, runId: run.runId, agent: id, branch: agent.branch, message: agentMessage(event, agent, reason) });
  };
  const onPhase = (phase: RunEvents['run:phase'][0]) => {
    if (phase === 'agents') progress();
  };
  const onSummary = (summary: RunEvents['run:summary'][0]) => {
    const failed = summary.agents.filter((agent) => agent.status !== 'succeeded').length;
    const message = `run ${summary.runId} finished: ${summary.agents.length - failed} of ${summary.agents.length} agents succeeded`;
    tell({ event: 'run-finished', runId: run.runId, agent: undefined, branch: undefined, message });
  };
  run.on('agent:state', onState);
  run.on('run:phase', onPhase);
  run.on('run:summary', onSummary);
  return {
    close: async () => {
      run.off('agent:state', onState);
      run.off('run:phase', onPhase);
      run.off('run:summary', onSummary);
      await Promise.all(notifiers.map((notifier) => notifier.close()));
    },
  };
};

const BEL = '\x07';
// biome-ignore lint/suspicious/noControlCharactersInRegex: a title must not end its own escape sequence
const setTitle = (title: string): string => `\x1b]0;${title.replace(/[\x00-\x1f\x7f]/g, ' ')}${BEL}`;
/** xterm's title stack (XTWINOPS 22/23): the title the user had comes back when the app ends. */
const PUSH_TITLE = '\x1b[22;0t';
const POP_TITLE = '\x1b[23;0t';

/**
 * The TUI's own signals, written to the real terminal between Ink's frames: a bell for each
 * notification, and the window title `aider-orchestrator: 3/4 done`. Neither moves the cursor
 * nor draws a cell, so Ink's frames stay as they are.
 */
export const terminalNotifier = (out: { write(text: string): unknown }): Notifier => {
  let titled = false;
  const write = (text: string) => {
    try {
      out.write(text);
    } catch {
      // the terminal is gone (closed window): nothing to tell
    }
  };
  return {
    notify: () => write(BEL),
    progress: (done, total) => {
      if (!titled) write(PUSH_TITLE);
      titled = true;
      write(setTitle(`aider-orchestrator: ${done}/${total} done`));
    },
    close: async () => {
      if (titled) write(POP_TITLE);
      titled = false;
    },
  };
};

/** How long one notification process may run before it is ended (with whatever it started). */
export const NOTIFY_TIMEOUT_MS = 10_000;
const KILL_GRACE_MS = 1000;
const OUTPUT_CHARS = 2000;

interface ProcessOutcome {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** It could not be started. */
  error: string | undefined;
  /** The last line it printed (stdout and stderr). */
  lastLine: string | undefined;
}

/**
 * Runs one notification process in a process group of its own, stdin closed and its output
 * kept apart (never on the app's terminal). Past `timeoutMs` the group gets SIGTERM, then
 * SIGKILL; what is left of the group when the process exits (background jobs) is ended too.
 */
const runBounded = (file: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<ProcessOutcome> =>
  new Promise((resolve) => {
    let output = '';
    let timedOut = false;
    const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const group = (signal: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, signal);
      } catch {
        // the group has ended
      }
    };
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-OUTPUT_CHARS);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let grace: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      group('SIGTERM');
      grace = setTimeout(() => group('SIGKILL'), KILL_GRACE_MS);
    }, timeoutMs);
    const done = (outcome: Omit<ProcessOutcome, 'timedOut' | 'lastLine'>) => {
      clearTimeout(timer);
      if (grace) clearTimeout(grace);
      group('SIGKILL');
      child.stdout.destroy();
      child.stderr.destroy();
      const lastLine = output
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter(Boolean)
        .at(-1);
      resolve({ ...outcome, timedOut, lastLine });
    };
    child.on('error', (error) => done({ exitCode: null, signal: null, error: error.message }));
    child.on('exit', (exitCode, signal) => done({ exitCode, signal, error: undefined }));
  });

/** Whether `name` is an executable on PATH. */
export const onPath = (name: string, env: NodeJS.ProcessEnv = process.env): string | undefined => {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) return file;
    } catch {
      // not here
    }
  }
  return undefined;
};

/**
 * Runs notification processes one after another (so they see the events in order), each
 * bounded in time. A failure is one warning for the user, once; later ones are not repeated.
 */
class ProcessQueue {
  private queue: Promise<void> = Promise.resolve();
  private warned = false;

  constructor(
    private readonly name: string,
    private readonly warn: (message: string) => void,
    private readonly timeoutMs: number,
  ) {}

  add(file: string, args: readonly string[], env: NodeJS.ProcessEnv): void {
    this.queue = this.queue.then(async () => {
      const outcome = await runBounded(file, args, env, this.timeoutMs);
      const problem = outcome.error
        ? `could not start (${outcome.error})`
        : outcome.timedOut
          ? `ran longer than ${this.timeoutMs / 1000}s and was ended`
          : outcome.exitCode !== 0
            ? `failed (${outcome.signal ? `signal ${outcome.signal}` : `exit ${outcome.exitCode}`}${outcome.lastLine ? `: ${outcome.lastLine.slice(0, 200)}` : ''})`
            : undefined;
      if (!problem || this.warned) return;
      this.warned = true;
      this.warn(`the ${this.name} ${problem}; the run goes on (later failures are not reported)`);
    });
  }

  /** Resolves when every process queued so far has ended. */
  drain(): Promise<void> {
    return this.queue;
  }
}

/**
 * `--notify-cmd`: the user's own command (flag, environment or config; never a repository's),
 * run by their shell with the event in its environment.
 */
export const commandNotifier = (
  command: string,
  options: { env: NodeJS.ProcessEnv; warn(message: string): void; timeoutMs?: number },
): Notifier => {
  const queue = new ProcessQueue(`notify command (${command})`, options.warn, options.timeoutMs ?? NOTIFY_TIMEOUT_MS);
  const shell = options.env.SHELL?.trim() || '/bin/sh';
  return {
    notify: (notification) =>
      queue.add(shell, ['-c', command], {
        ...options.env,
        AIDER_ORCHESTRATOR_EVENT: notification.event,
        AIDER_ORCHESTRATOR_RUN: notification.runId,
        AIDER_ORCHESTRATOR_AGENT: notification.agent === undefined ? '' : String(notification.agent),
        AIDER_ORCHESTRATOR_BRANCH: notification.branch ?? '',
        AIDER_ORCHESTRATOR_MESSAGE: notification.message,
      }),
    close: () => queue.drain(),
  };
};

/** An OS notification: `notify-send` (Linux, freedesktop) or `osascript` (macOS); undefined where neither exists. */
export const desktopNotifier = (options: {
  env: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  warn(message: string): void;
}): Notifier | undefined => {
  const platform = options.platform ?? process.platform;
  const tool = platform === 'darwin' ? onPath('osascript', options.env) : onPath('notify-send', options.env);
  if (!tool) return undefined;
  const queue = new ProcessQueue(`desktop notification (${path.basename(tool)})`, options.warn, NOTIFY_TIMEOUT_MS);
  // The message goes as an argument, never spliced into a script.
  const args = (message: string): string[] =>
    platform === 'darwin'
      ? ['-e', 'on run argv', '-e', 'display notification (item 1 of argv) with title "aider-orchestrator"', '-e', 'end run', message]
      : ['--app-name=aider-orchestrator', 'aider-orchestrator', message];
  return {
    notify: (notification) => queue.add(tool, args(notification.message), options.env),
    close: () => queue.drain(),
  };
};

/** The notifiers a run's settings ask for: the terminal's and the OS's only in the TUI; the user's command in both. */
export const notifiersFor = (
  settings: Pick<Settings, 'notifyCommand' | 'notifyDesktop'>,
  options: { tui: boolean; env: NodeJS.ProcessEnv; stdout?: { write(text: string): unknown }; warn(message: string): void },
): Notifier[] => {
  const notifiers: Notifier[] = [];
  if (options.tui && options.stdout) notifiers.push(terminalNotifier(options.stdout));
  if (options.tui && settings.notifyDesktop) {
    const desktop = desktopNotifier({ env: options.env, warn: options.warn });
    if (desktop) notifiers.push(desktop);
  }
  if (settings.notifyCommand) notifiers.push(commandNotifier(settings.notifyCommand, { env: options.env, warn: options.warn }));
  return notifiers;
};
