import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../../src/orchestrator/scheduler.js';

/** A job that finishes only when the test says so. */
const gate = () => {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
};

describe('agents run at most max-agents at once', () => {
  it('queues jobs beyond the limit and starts them in order as slots free up', async () => {
    const scheduler = new Scheduler(2);
    const gates = [gate(), gate(), gate(), gate()];
    const started: number[] = [];
    const done = gates.map((g, i) =>
      scheduler.run(async () => {
        started.push(i);
        await g.opened;
        return i;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect(scheduler.queued).toBe(2);

    gates[1]!.open();
    await done[1];
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1, 2]);
    expect(scheduler.active).toBe(2);

    gates[0]!.open();
    gates[2]!.open();
    gates[3]!.open();
    expect(await Promise.all(done)).toEqual([0, 1, 2, 3]);
    expect(scheduler.active).toBe(0);
  });

  it('never exceeds the limit when new jobs arrive while a slot is handed over', async () => {
    const scheduler = new Scheduler(1);
    let concurrent = 0;
    let peak = 0;
    const job = async () => {
      concurrent += 1;
      peak = Math.max(peak, concurrent);
      await new Promise((r) => setImmediate(r));
      concurrent -= 1;
    };
    const first = scheduler.run(job);
    const second = scheduler.run(job);
    await first;
    const third = scheduler.run(job); // arrives right as the slot passes to `second`
    await Promise.all([second, third]);
    expect(peak).toBe(1);
  });

  it('frees the slot when a job throws', async () => {
    const scheduler = new Scheduler(1);
    await expect(scheduler.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await scheduler.run(async () => 'next')).toBe('next');
  });
});
