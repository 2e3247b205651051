import type { Command } from 'commander';
import { installAider } from '../../agents/aiderInstall.js';
import { readEnvironment, settingsFromEnv } from '../../config/env.js';
import { resolveSettings } from '../../config/resolve.js';
import { openConfigStore } from '../../config/store.js';
import { isTrackedByGit } from '../../git/repo.js';
import type { CommandContext } from './command.js';

export const registerSetup = (program: Command, context: CommandContext): Command =>
  program
    .command('setup')
    .description(`install aider (aider-chat) into the app's own virtualenv, with progress`)
    .option('--python <path>', 'the Python (>= 3.10, < 3.13) to create the virtualenv with (default: python3)')
    .action(async (options: { python?: string }) => context.exit(await setupCommand(options)));

/** `aider-orchestrator setup`: install aider-chat into the app's own venv, showing pip's progress. */
export const setupCommand = async (options: { python?: string }): Promise<number> => {
  const env = await readEnvironment({ dirs: [process.cwd()], env: process.env, isRepoData: isTrackedByGit });
  const settings = resolveSettings({ stored: openConfigStore().read(), env: settingsFromEnv(env) });
  process.stderr.write(`Installing aider into ${settings.dataDir}/venv ...\n`);
  const bin = await installAider({
    dataDir: settings.dataDir,
    python: options.python,
    onProgress: (line) => process.stderr.write(`  ${line}\n`),
  });
  process.stdout.write(`aider installed: ${bin}\n`);
  return 0;
};
