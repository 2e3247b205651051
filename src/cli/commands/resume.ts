import type { Command } from 'commander';
import { resumeRun } from '../../orchestrator/createRun.js';
import { runHeadless } from '../headless.js';
import { runInTui } from '../tui.js';
import { type CommandContext, isHeadless, terminalSize } from './command.js';

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
  const headless = isHeadless(options.headless);
  const warnings: string[] = [];
  const run = await resumeRun({
    runId,
    cwd: process.cwd(),
    env: process.env,
    terminalSize: terminalSize(headless),
    warn: (message) => (headless ? process.stderr.write(`warning: ${message}\n`) : warnings.push(message)),
    trustRepo: options.trustRepo === true,
    // In the TUI a finished agent's aider waits at its prompt for a follow-up (`f` on the summary).
    keepIdleSessions: !headless,
  });
  if (headless) return runHeadless(run);
  return runInTui(run, { warnings, yes: true });
};
