import { formatDuration } from '../config/duration.js';
import { CheckProcess } from './checkCommand.js';

export interface SetupOptions {
  /** The user's `--setup-cmd`, run by /bin/sh as they typed it. */
  command: string;
  /** The new worktree. */
  cwd: string;
  env: NodeJS.ProcessEnv;
  cols: number;
  rows: number;
  /** The check's timeout (`--check-timeout`) bounds the setup too. */
  timeoutMs: number;
  /** Masks secrets in each line before anyone sees it. */
  redact(text: string): string;
}

export type SetupResult = { ok: true } | { ok: false; reason: string };

/** Lines kept for whoever follows the setup later (the agent exists only at approve). */
const KEPT_LINES = 2000;
/** The end of the output a failure's reason carries (on one line: ` | ` between lines). */
const REASON_TAIL_LINES = 4;
const REASON_TAIL_CHARS = 400;

/**
 * `--setup-cmd` in one new worktree, before its agent's aider starts there: the check
 * command's runner (checkCommand.ts: its own pty and process group, stdin closed, ended with
 * everything it started past the timeout). It starts at once (while the PRD is read, for a
 * prepared workspace); the agent follows its lines when it exists, from the first one.
 */
export class WorktreeSetup {
  readonly command: string;
  readonly done: Promise<SetupResult>;
  private readonly lines: string[] = [];
  private readonly followers = new Set<(line: string) => void>();
  private readonly process: CheckProcess;

  constructor(options: SetupOptions) {
    this.command = options.command;
    this.process = new CheckProcess({
      command: options.command,
      cwd: options.cwd,
      env: options.env,
      cols: options.cols,
      rows: options.rows,
      timeoutMs: options.timeoutMs,
      onLine: (raw) => {
        const line = options.redact(raw);
        this.lines.push(line);
        if (this.lines.length > KEPT_LINES) this.lines.shift();
        for (const follow of this.followers) follow(line);
      },
    });
    this.done = this.process.done.then((result): SetupResult => {
      if (result.exitCode === 0 && !result.timedOut && !result.stopped && !result.error) return { ok: true };
      const why = result.error
        ? result.error
        : result.timedOut
          ? `ran longer than ${formatDuration(options.timeoutMs)} (--check-timeout) and was ended`
          : result.stopped
            ? 'was stopped'
            : `failed (exit ${result.exitCode ?? `signal ${result.signal}`})`;
      const tail = this.tail();
      return {
        ok: false,
        reason: options.redact(`the setup command ${why}: ${options.command}${tail ? `; its output ended with: ${tail}` : ''}`),
      };
    });
  }

  /** Calls `onLine` with every line so far, then each new one; returns what stops it. */
  follow(onLine: (line: string) => void): () => void {
    for (const line of this.lines) onLine(line);
    this.followers.add(onLine);
    return () => this.followers.delete(onLine);
  }

  /** The last lines of output, for a failure's reason. */
  private tail(): string {
    return this.lines
      .map((line) => line.trim())
      .filter(Boolean)
      .slice(-REASON_TAIL_LINES)
      .join(' | ')
      .slice(-REASON_TAIL_CHARS);
  }

  /** Ends the command and what it started (SIGTERM, then SIGKILL). */
  stop(): void {
    this.process.stop();
  }

  /** Ends it at once (app exit). */
  kill(): void {
    this.process.kill();
  }
}
