import { execa } from 'execa';
import fs from 'node:fs';
import { describe, expect, it, onTestFinished } from 'vitest';
import { isRunning, processStartTime, thisProcess } from '../../../src/orchestrator/processIdentity.js';
import { waitFor } from '../../support/waitFor.js';

const start = (command: string, args: string[]) => {
  const child = execa(command, args, { reject: false });
  onTestFinished(async () => {
    child.kill('SIGKILL');
    await child;
  });
  return child;
};

describe('which process drives a run', () => {
  it('knows this process and its start time (Linux: field 22 of /proc/<pid>/stat)', () => {
    const me = thisProcess();
    expect(me.pid).toBe(process.pid);
    const stat = fs.readFileSync(`/proc/${process.pid}/stat`, 'utf8');
    expect(me.startTime).toBe(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    expect(isRunning(me)).toBe(true);
  });

  it('takes a process for ended once it has exited, and a pid with another start time for another process', async () => {
    const child = start('sleep', ['600']);
    const identity = { pid: child.pid!, startTime: processStartTime(child.pid!) };
    expect(isRunning(identity)).toBe(true);
    expect(isRunning({ ...identity, startTime: `${identity.startTime}0` })).toBe(false);
    child.kill('SIGKILL');
    await child;
    expect(isRunning(identity)).toBe(false);
    expect(processStartTime(identity.pid)).toBeUndefined();
  });

  it('takes a zombie (ended, not yet reaped by its parent) for ended', async () => {
    // `sleep 0` ends at once; its parent, exec'd into `sleep 600`, never reaps it.
    const parent = start('sh', ['-c', 'sleep 0 & echo $!; exec sleep 600']);
    const pid = await new Promise<number>((resolve) =>
      parent.stdout!.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))),
    );
    await waitFor(
      () => /^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')),
      `process ${pid} to become a zombie`,
      10_000,
      20,
    );
    expect(isRunning({ pid, startTime: undefined })).toBe(false);
  });
});
