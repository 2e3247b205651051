import type { Command } from 'commander';
import { openConfigStore } from '../../config/store.js';
import { UserError } from '../../errors.js';
import type { CommandContext } from './command.js';

export const registerConfig = (program: Command, context: CommandContext): Command =>
  program
    .command('config')
    .description('edit the stored settings (models, limits, aider arguments) in a form')
    .action(async () => context.exit(await configCommand()));

/** `aider-orchestrator config`: the configuration form on its own. */
export const configCommand = async (): Promise<number> => {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    const store = openConfigStore();
    throw new UserError(`the config form needs a terminal; edit ${store.path} by hand or use environment variables`);
  }
  const { runConfigTui } = await import('../../ui/runTui.js');
  return runConfigTui(openConfigStore());
};
