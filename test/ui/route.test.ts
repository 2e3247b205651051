import { describe, expect, it } from 'vitest';
import type { RunPhase } from '../../src/orchestrator/events.js';
import type { RunSummary } from '../../src/logs/types.js';
import type { Plan } from '../../src/plan/types.js';
import { routeScreen, type View } from '../../src/ui/route.js';

const plan: Plan = { tasks: [], unassigned: [] };
const summary = {} as RunSummary;
const run = (phase: RunPhase, extra: { plan?: Plan; summary?: RunSummary } = {}) => ({ phase, plan: extra.plan, summary: extra.summary });

describe('the screen router: one decision from the view and the run', () => {
  it.each<[View, ReturnType<typeof run>, string]>([
    ['change', run('prd'), 'change'],
    ['config', run('agents'), 'config'],
    ['run', run('prd'), 'prd'],
    ['run', run('review'), 'prd'],
    ['run', run('planning'), 'prd'],
    ['run', run('assignment', { plan }), 'assignment'],
    ['run', run('assignment'), 'prd'],
    ['run', run('workspaces'), 'dashboard'],
    ['run', run('agents'), 'dashboard'],
    ['run', run('summary', { summary }), 'dashboard'],
    ['summary', run('summary', { summary }), 'summary'],
    ['summary', run('agents'), 'dashboard'],
  ])('view %s in %o → %s', (view, state, screen) => {
    expect(routeScreen(view, state)).toBe(screen);
  });
});
