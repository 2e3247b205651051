import { execa } from 'execa';
import { waitFor } from './waitFor.js';

/** The command lines of every process on the machine that contain `text`. */
export const processesWith = async (text: string): Promise<string[]> =>
  String((await execa('ps', ['-eo', 'pid=,args='])).stdout)
    .split('\n')
    .filter((line) => line.includes(text) && !/\bps -eo\b/.test(line));

/** Polls until some process's command line contains `text`; fails after the deadline. */
export const waitForProcess = async (text: string, what: string, timeoutMs = 120_000): Promise<void> =>
  waitFor(async () => (await processesWith(text)).length > 0, what, timeoutMs, 100);

/** Polls until no process's command line contains `text`; fails naming the survivors after the deadline. */
export const waitForNoProcess = async (text: string, timeoutMs = 20_000): Promise<void> =>
  waitFor(
    async () => (await processesWith(text)).length === 0,
    async () => `no process with ${text} (${timeoutMs} ms); still running:\n${(await processesWith(text)).join('\n')}`,
    timeoutMs,
    100,
  );
