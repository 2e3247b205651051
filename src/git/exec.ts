import { execa } from 'execa';

/** A git command that failed; `stderr` is git's own explanation. */
export class GitError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number | undefined,
    readonly stderr: string,
  ) {
    super(`git ${args.join(' ')} failed${exitCode === undefined ? '' : ` (exit ${exitCode})`}: ${stderr.trim() || 'no message'}`);
    this.name = 'GitError';
  }
}

/**
 * Runs git with an argument array (never a shell string) and returns stdout.
 * GIT_TERMINAL_PROMPT=0: a clone that needs credentials fails instead of waiting on a prompt.
 * `env` adds variables for this one command (a credential given through GIT_CONFIG_*, never argv).
 */
export const git = async (
  cwd: string,
  args: readonly string[],
  options: { signal?: AbortSignal | undefined; env?: Record<string, string> | undefined } = {},
): Promise<string> => {
  const result = await execa('git', args, {
    cwd,
    cancelSignal: options.signal,
    reject: false,
    stripFinalNewline: false,
    env: { ...options.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
  });
  if (result.failed) {
    throw new GitError(args, result.exitCode, String(result.stderr || result.message));
  }
  return String(result.stdout);
};

/** Splits NUL-separated output (`-z`) into its non-empty fields. */
export const nulFields = (output: string): string[] => output.split('\0').filter((field) => field.length > 0);
