import * as pty from 'node-pty';
import { OutputLines } from './outputLines.js';

export interface CheckOptions {
  /** The user's command, run by /bin/sh as they typed it. */
  command: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  cols: number;
  rows: number;
  /** The command's processes are ended after this long. */
  timeoutMs: number;
  /** Each finished line of output (stdout and stderr together), plain text. */
  onLine(line: string): void;
}

export interface CheckResult {
  exitCode: number | undefined;
  signal: number | undefined;
  /** Ended because it ran longer than timeoutMs. */
  timedOut: boolean;
  /** Ended by stop() or kill(). */
  stopped: boolean;
  /** It could not be started. */
  error?: string;
}

/**
 * `/bin/sh -c <command>` with stdin from /dev/null: a check that reads its input gets EOF at
 * once instead of waiting for ever. The redirection is this fixed script's; the user's command
 * reaches the inner shell as an argument, never spliced into a string.
 */
const SHELL_ARGS = (command: string): string[] => ['-c', 'exec /bin/sh -c "$1" </dev/null', 'check', command];

/** How long the processes of a stopped or timed-out check get to end after SIGTERM. */
const STOP_GRACE_MS = 2000;

/**
 * One run of the check command in its own pseudo-terminal. The pty makes it a session and
 * process-group leader with the pty as its controlling terminal, so
 * - stop, timeout and app exit end its whole process group (what it started, too), and
 * - if the app dies without a word (SIGKILL), the kernel hangs the terminal up when the pty's
 *   master side closes with the app: SIGHUP to the shell, and to its process group as it exits.
 * Whatever is left of the group when the command exits (background jobs) is ended too.
 */
export class CheckProcess {
  readonly done: Promise<CheckResult>;
  private child: pty.IPty | undefined;
  private timedOut = false;
  private stopped = false;
  private exited = false;

  constructor(options: CheckOptions) {
    this.done = new Promise((resolve) => {
      try {
        this.child = pty.spawn('/bin/sh', SHELL_ARGS(options.command), {
          name: 'xterm-256color',
          cols: options.cols,
          rows: options.rows,
          cwd: options.cwd,
          env: options.env as Record<string, string>,
        });
      } catch (error) {
        resolve({
          exitCode: undefined,
          signal: undefined,
          timedOut: false,
          stopped: false,
          error: `cannot start /bin/sh: ${(error as Error).message}`,
        });
        return;
      }
      const child = this.child;
      const lines = new OutputLines(options.onLine);
      const timer = setTimeout(() => {
        this.timedOut = true;
        this.endGroup();
      }, options.timeoutMs);
      child.onData((data) => lines.push(data));
      child.onExit(({ exitCode, signal }) => {
        this.exited = true;
        clearTimeout(timer);
        lines.flush();
        // Background jobs the command left behind (and anything that ignored SIGHUP) go with it.
        this.signalGroup('SIGKILL');
        resolve({ exitCode, signal: signal || undefined, timedOut: this.timedOut, stopped: this.stopped });
      });
    });
  }

  /** Ends the command and everything it started: SIGTERM to its group, SIGKILL after a grace period. */
  stop(): void {
    this.stopped = true;
    this.endGroup();
  }

  /** Ends the whole group at once (app exit). */
  kill(): void {
    this.stopped = true;
    this.signalGroup('SIGKILL');
  }

  private endGroup(): void {
    if (this.exited) return;
    this.signalGroup('SIGTERM');
    const grace = setTimeout(() => this.signalGroup('SIGKILL'), STOP_GRACE_MS);
    void this.done.then(() => clearTimeout(grace));
  }

  private signalGroup(signal: NodeJS.Signals): void {
    const pid = this.child?.pid;
    if (!pid) return;
    try {
      // The shell is its group's leader (node-pty starts it in a new session): -pid is the group.
      process.kill(-pid, signal);
    } catch {
      // the group has ended
    }
  }
}
