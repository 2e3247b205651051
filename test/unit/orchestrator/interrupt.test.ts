import { describe, expect, it } from 'vitest';
import { interruptAction } from '../../../src/orchestrator/interrupt.js';
import type { RunPhase } from '../../../src/orchestrator/events.js';
import type { RunSummary } from '../../../src/logs/types.js';

const summary = {} as RunSummary;

describe('Ctrl-C: one policy for the TUI key, a signal to the TUI and headless mode', () => {
  it.each<[RunPhase, RunSummary | undefined, string]>([
    ['prd', undefined, 'cancel'],
    ['review', undefined, 'cancel'],
    ['planning', undefined, 'cancel'],
    ['assignment', undefined, 'cancel'],
    ['workspaces', undefined, 'stop'],
    ['agents', undefined, 'stop'],
    ['agents', summary, 'stop'], // a restarted agent runs again after a summary
    ['summary', summary, 'quit'],
  ])('in phase %s (summary: %o) it is %s', (phase, written, action) => {
    expect(interruptAction({ phase, summary: written })).toBe(action);
  });
});
