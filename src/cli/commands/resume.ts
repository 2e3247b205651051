import type { Command } from 'commander';
import { resumeRun } from '../../orchestrator/createRun.js';
import type { CommandContext } from './command.js';
import { rebuiltRunSurface } from './rebuiltRun.js';

interface ResumeOptions {
  headless?: boolean;
  trustRepo?: boolean;
}

export const registerResume = (program: Command, context: CommandContext): Command =>
  program
    .command('resume')
    .argument('[run]', 'run id (default: the newest unfinished run of this repository)')
    .description('continue a run the app did not finish (killed, terminal closed): its unfinished agents go on where they were')
    .option('--headless', 'no TUI (automatic without a terminal)')
    .option('--trust-repo', "let the repository's tracked aider settings apply, as for the run")
    .action(async (runId: string | undefined, options: ResumeOptions) => context.exit(await resumeCommand(runId, options)));

/** `aider-orchestrator resume [run]`: continue an unfinished run, in the TUI or headless. */
export const resumeCommand = async (runId: string | undefined, options: ResumeOptions): Promise<number> => {
  const surface = rebuiltRunSurface(options.headless);
  const run = await resumeRun({
    runId,
    cwd: process.cwd(),
    env: process.env,
    terminalSize: surface.terminalSize,
    warn: surface.warn,
    trustRepo: options.trustRepo === true,
    keepIdleSessions: surface.keepIdleSessions,
  });
  return surface.drive(run);
};
