/**
 * An error the user can cause and fix: bad flag, missing key, not a git repo.
 * The CLI prints it as one line (`error: <message>`) without a stack trace;
 * every other error is a bug and keeps its stack.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(
    message: string,
    /** Process exit code; 2 = usage/config error (see README "Exit codes"). */
    readonly exitCode: number = 2,
  ) {
    super(message);
  }
}

/** The user cancelled (PRD review `q`, Ctrl-C). Exit code 130. */
export class CancelledError extends Error {
  override readonly name = 'CancelledError';
  readonly exitCode = 130;
  constructor(message = 'cancelled') {
    super(message);
  }
}

export const isUserError = (error: unknown): error is UserError => error instanceof UserError;
