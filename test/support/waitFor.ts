import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls `condition` every `intervalMs` until it holds (it may be async: a process list, a file);
 * fails after `timeoutMs` with `what` (a function: described as things stand at the deadline).
 */
export const waitFor = async (
  condition: () => boolean | Promise<boolean>,
  what: string | (() => string | Promise<string>),
  timeoutMs = 5_000,
  intervalMs = 10,
): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === 'function' ? await what() : what}`);
    await sleep(intervalMs);
  }
};
