import { describe, expect, it } from 'vitest';
import type { RunPhase } from '../../src/orchestrator/events.js';
import type { RunSummary } from '../../src/logs/types.js';
import type { Plan } from '../../src/plan/types.js';
import { routeScreen, type View } from '../../src/ui/route.js';

const plan: Plan = { tasks: [], unassigned: [] };
const summary = {} as RunSummary;
const run = (phase: RunPhase, extra: { plan?: Plan; summary?: RunSummary } = {}) => ({ phase, plan: extra.plan, summary: extra.summary });

describe('the screen router: one decision from the view and the run', () => {
  it.each<[View, ReturnType<typeof run>, boolean, string]>([
    ['change', run('prd'), false, 'change'],
    ['config', run('agents'), false, 'config'],
    ['run', run('prd'), false, 'prd'],
    ['run', run('review'), false, 'prd'],
    ['run', run('planning'), false, 'prd'],
    ['run', run('assignment', { plan }), false, 'assignment'],
    ['run', run('assignment'), false, 'prd'],
    ['run', run('workspaces'), false, 'dashboard'],
    ['run', run('agents'), false, 'dashboard'],
    ['run', run('summary', { summary }), false, 'dashboard'],
    ['summary', run('summary', { summary }), false, 'summary'],
    ['summary', run('agents'), false, 'dashboard'],
    ['diff', run('summary', { summary }), true, 'diff'],
    ['diff', run('summary', { summary }), false, 'summary'],
  ])('view %s in %o (diff asked: %s) → %s', (view, state, hasDiff, screen) => {
    expect(routeScreen(view, state, hasDiff)).toBe(screen);
  });
});
