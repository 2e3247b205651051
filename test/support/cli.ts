import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { expect, onTestFinished } from 'vitest';
import { makeTempDir, makeTempRepo } from './gitRepo.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The built CLI (test/support/buildCli.ts builds it before the tests run). */
export const CLI_MAIN = path.join(ROOT, 'dist/cli/bin.js');

export interface CliResult {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real built CLI as a child process without a TTY,
 * like CI does. `env` replaces the environment entirely (nothing leaks in from the
 * developer's shell except PATH and HOME when given).
 */
export const runCli = async (args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<CliResult> => {
  const result = await execa(process.execPath, [CLI_MAIN, ...args], {
    cwd: options.cwd,
    env: options.env,
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
    timeout: options.timeoutMs ?? 240_000,
    forceKillAfterDelay: 5000,
  });
  return { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
};

/** Starts the CLI and returns the running child (for tests that signal it mid-run). */
export const startCli = (args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }) =>
  execa(process.execPath, [CLI_MAIN, ...args], {
    cwd: options.cwd,
    env: options.env,
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
    timeout: 240_000,
    forceKillAfterDelay: 5000,
  });

/** The minimal environment of a CLI run in a test: isolated data and config folders, no real keys. */
export const isolatedEnv = (dirs: { home: string }, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: dirs.home,
  LANG: 'C.UTF-8',
  AIDER_ORCHESTRATOR_DATA_DIR: path.join(dirs.home, 'data'),
  AIDER_ORCHESTRATOR_CONFIG_DIR: path.join(dirs.home, 'config'),
  // Most stand-ins answer the PRD and the plan only: a test of the supervisor turns it on.
  AIDER_ORCHESTRATOR_SUPERVISOR: 'off',
  // No OS notification from a test's TUI, whatever the machine has installed.
  AIDER_ORCHESTRATOR_NOTIFY_DESKTOP: 'off',
  ...extra,
});

/** A temp folder, removed when the test ends. */
export const tempDir = (prefix?: string): string => {
  const made = makeTempDir(prefix);
  onTestFinished(made.cleanup);
  return made.dir;
};

/** A repository with one commit (a.py), removed when the test ends. */
export const tempRepo = async (): Promise<string> => {
  const made = await makeTempRepo({ 'a.py': 'A = 1\n' });
  onTestFinished(made.cleanup);
  return made.dir;
};

/** Placeholder keys for the default models (the stand-ins take any). */
export const TEST_KEYS = { GEMINI_API_KEY: 'g-key', OPENAI_API_KEY: 'sk-x' };

/**
 * A user mistake: stderr ends with one `error: ...` line matching `pattern`, and has no stack
 * trace; with `alone`, that line is all stderr says.
 */
export const expectUserError = (stderr: string, pattern: RegExp, options: { alone?: boolean } = {}): void => {
  const lines = stderr.trim().split('\n');
  if (options.alone) expect(lines).toHaveLength(1);
  expect(lines.at(-1)).toMatch(/^error: /);
  expect(lines.at(-1)).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /);
};
