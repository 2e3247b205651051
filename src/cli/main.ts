import { CommanderError } from 'commander';
import { createRequire } from 'node:module';
import { CancelledError, isUserError, type UserError } from '../errors.js';
import { runCommand } from './runCommand.js';
import { buildProgram } from './program.js';

// React and Ink run their development builds (several times slower) unless told otherwise;
// they are imported lazily (ui/runTui), so setting this here is in time.
process.env.NODE_ENV ??= 'production';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/**
 * Runs the CLI and returns the exit code (README "Exit codes"). Subcommands other than the run
 * are loaded when used: the demo's stand-in servers import node:http, whose ESM facade alone
 * loads undici and zlib (~30 ms of every start-up).
 */
export const main = async (argv: string[]): Promise<number> => {
  let exitCode = 0;
  const program = buildProgram(
    {
      run: async (flags) => {
        exitCode = await runCommand(flags, argv);
      },
      setup: async (options) => {
        exitCode = await (await import('./setupCommand.js')).setupCommand(options);
      },
      demo: async (options) => {
        exitCode = await (await import('./demoCommand.js')).demoCommand(options);
      },
      runs: async (options) => {
        exitCode = await (await import('./historyCommands.js')).runsCommand(options);
      },
      show: async (runId) => {
        exitCode = await (await import('./historyCommands.js')).showCommand(runId);
      },
      resume: async (runId, options) => {
        exitCode = await (await import('./historyCommands.js')).resumeCommand(runId, options);
      },
      followUp: async (runId, options) => {
        exitCode = await (await import('./commands/followUp.js')).followUpCommand(runId, options);
      },
      merge: async (runId, options) => {
        exitCode = await (await import('./runFilesCommands.js')).mergeCommand(runId, options);
      },
      clean: async (runId, options) => {
        exitCode = await (await import('./runFilesCommands.js')).cleanCommand(runId, options);
      },
      pr: async (runId, options) => {
        exitCode = await (await import('./commands/pr.js')).prCommand(runId, options);
      },
      config: async () => {
        exitCode = await (await import('./configCommand.js')).configCommand();
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
