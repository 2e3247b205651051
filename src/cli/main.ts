import { CommanderError } from 'commander';
import { createRequire } from 'node:module';
import { CancelledError, isUserError, type UserError } from '../errors.js';
import { buildProgram } from './program.js';

// React and Ink run their development builds (several times slower) unless told otherwise;
// they are imported lazily (ui/runTui), so setting this here is in time.
process.env.NODE_ENV ??= 'production';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/** Runs the CLI and returns the exit code (README "Exit codes"). */
export const main = async (argv: string[]): Promise<number> => {
  let exitCode = 0;
  const program = buildProgram(
    {
      argv,
      exit: (code) => {
        exitCode = code;
      },
    },
    version,
  ).exitOverride();
  for (const sub of program.commands) sub.exitOverride();

  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander has printed the message (or the help / version) already.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof CancelledError) {
      process.stderr.write(`${error.message}\n`);
      return error.exitCode;
    }
    if (isUserError(error)) {
      process.stderr.write(`error: ${(error as UserError).message}\n`);
      return (error as UserError).exitCode;
    }
    throw error;
  }
};

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // A bug: keep the stack so it can be reported.
    process.stderr.write(`aider-orchestrator: internal error\n${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
