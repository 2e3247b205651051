import { Command } from 'commander';
import type { CommandContext } from './commands/command.js';
import { registerClean } from './commands/clean.js';
import { registerConfig } from './commands/config.js';
import { registerDemo } from './commands/demo.js';
import { registerFollowUp } from './commands/followUp.js';
import { registerMerge } from './commands/merge.js';
import { registerPr } from './commands/pr.js';
import { registerResume } from './commands/resume.js';
import { registerRun } from './commands/run.js';
import { registerRuns } from './commands/runs.js';
import { registerSetup } from './commands/setup.js';
import { registerShow } from './commands/show.js';

/** The command line: the run is the program's own action, each subcommand comes from its file in commands/. */
export const buildProgram = (context: CommandContext, version: string): Command => {
  const program = new Command('aider-orchestrator')
    .description('Turn one change request into parallel work by several Aider agents, each in its own git worktree and branch.')
    .version(version, '-V, --version')
    // Subcommand options (clean --yes) belong to the subcommand, not to the run's own --yes.
    .enablePositionalOptions();
  registerRun(program, context);
  registerSetup(program, context);
  registerDemo(program, context);
  registerRuns(program, context);
  registerShow(program, context);
  registerResume(program, context);
  registerFollowUp(program, context);
  registerMerge(program, context);
  registerClean(program, context);
  registerPr(program, context);
  registerConfig(program, context);
  return program;
};
