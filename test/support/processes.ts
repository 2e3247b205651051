import { execa } from 'execa';

/** The command lines of every process on the machine that contain `text`. */
export const processesWith = async (text: string): Promise<string[]> =>
  String((await execa('ps', ['-eo', 'pid=,args='])).stdout)
    .split('\n')
    .filter((line) => line.includes(text) && !/\bps -eo\b/.test(line));

/** Polls until some process's command line contains `text`; fails after the deadline. */
export const waitForProcess = async (text: string, what: string, timeoutMs = 120_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while ((await processesWith(text)).length === 0) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

/** Polls until no process's command line contains `text`; fails naming the survivors after the deadline. */
export const waitForNoProcess = async (text: string, timeoutMs = 20_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = await processesWith(text);
    if (left.length === 0) return;
    if (Date.now() > deadline) throw new Error(`processes still running ${timeoutMs} ms later:\n${left.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};
