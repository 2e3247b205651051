import { InvalidArgumentError } from 'commander';
import { DURATION_HINT, parseDuration } from '../../config/duration.js';

/**
 * What every subcommand gets from `main`. Each file in this folder exports
 * `register<Name>(program, context)`, which adds its command, options and handler to the
 * program; the handler's exit code goes to `context.exit` (README "Exit codes").
 */
export interface CommandContext {
  /** The command line as `main` got it (the run checks which operands came after `--`). */
  readonly argv: readonly string[];
  /** Records the exit code of the command that ran. */
  exit(code: number): void;
}

/** Parses a whole number from 1 to `max`, or says what `name` must be. */
export const positiveInt =
  (name: string, max: number) =>
  (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < 1 || n > max) {
      throw new InvalidArgumentError(`${name} must be a whole number from 1 to ${max}.`);
    }
    return n;
  };

/** Parses a duration such as 90s or 10m into milliseconds. */
export const durationArg =
  (name: string) =>
  (value: string): number => {
    const ms = parseDuration(value);
    if (ms === undefined) throw new InvalidArgumentError(`${name} must be ${DURATION_HINT}.`);
    return ms;
  };

/** No TUI when asked for, or when stdout or stdin is not a terminal. */
export const isHeadless = (flag: boolean | undefined): boolean => flag === true || !process.stdout.isTTY || !process.stdin.isTTY;

/** The agents' terminal size: the real one for the TUI, a fixed one headless. */
export const terminalSize = (headless: boolean): { cols: number; rows: number } =>
  headless ? { cols: 120, rows: 40 } : { cols: process.stdout.columns ?? 120, rows: process.stdout.rows ?? 40 };
