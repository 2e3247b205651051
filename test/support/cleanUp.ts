import { onTestFinished } from 'vitest';

/** Registers teardown for the running test; like every onTestFinished hook, the last one registered runs first. */
export const cleanUp = (...teardowns: (() => unknown)[]): void => {
  for (const teardown of teardowns) onTestFinished(async () => void (await teardown()));
};
