import { openConfigStore } from '../config/store.js';
import { UserError } from '../errors.js';

/** `aider-orchestrator config`: the configuration form on its own. */
export const configCommand = async (): Promise<number> => {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    const store = openConfigStore();
    throw new UserError(`the config form needs a terminal; edit ${store.path} by hand or use environment variables`);
  }
  const { runConfigTui } = await import('../ui/runTui.js');
  return runConfigTui(openConfigStore());
};
