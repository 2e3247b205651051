import { describe, expect, it } from 'vitest';
import { addAgent, moveFile, planFromFiles, planFromProposal, removeAgent } from '../../../src/plan/build.js';
import { splitFiles } from '../../../src/plan/split.js';
import { validatePlan } from '../../../src/plan/validate.js';

const sized = (entries: Record<string, number>) => Object.entries(entries).map(([path, size]) => ({ path, size }));
const paths = (groups: { path: string }[][]) => groups.map((group) => group.map((file) => file.path));

describe('splitting files between agents', () => {
  it('uses min(max agents, files) groups', () => {
    expect(splitFiles(sized({ 'a.ts': 10, 'b.ts': 10, 'c.ts': 10 }), 2)).toHaveLength(2);
    expect(splitFiles(sized({ 'a.ts': 10 }), 8)).toHaveLength(1);
    expect(splitFiles([], 4)).toEqual([]);
  });

  it('keeps a folder together when the sizes allow it', () => {
    const groups = splitFiles(sized({ 'api/a.ts': 100, 'api/b.ts': 100, 'ui/x.tsx': 100, 'ui/y.tsx': 100 }), 2);
    expect(paths(groups).sort()).toEqual([
      ['api/a.ts', 'api/b.ts'],
      ['ui/x.tsx', 'ui/y.tsx'],
    ]);
  });

  it('balances by size, breaking up a folder that is too big for one agent', () => {
    const groups = splitFiles(sized({ 'big/a.ts': 1000, 'big/b.ts': 1000, 'big/c.ts': 1000, 'small/d.ts': 100 }), 3);
    const totals = groups.map((group) => group.reduce((sum, file) => sum + file.size, 0)).sort((a, b) => a - b);
    expect(totals).toEqual([1000, 1000, 1100]);
  });

  it('gives every file to exactly one group', () => {
    const files = sized(Object.fromEntries(Array.from({ length: 23 }, (_, i) => [`d${i % 4}/f${i}.ts`, (i * 37) % 500])));
    const groups = splitFiles(files, 5);
    expect(groups).toHaveLength(5);
    expect(
      groups
        .flat()
        .map((file) => file.path)
        .sort(),
    ).toEqual(files.map((file) => file.path).sort());
  });
});

describe('plans', () => {
  it('numbers agents 1..n and multiplies tasks by agents-per-task', () => {
    const plan = planFromFiles({ files: sized({ 'a.ts': 1, 'b/c.ts': 1 }), change: 'Add X', maxAgents: 2, agentsPerTask: 2 });
    expect(plan.tasks.map((task) => [task.agent, task.attempt, task.files])).toEqual([
      [1, 1, ['a.ts']],
      [2, 2, ['a.ts']],
      [3, 1, ['b/c.ts']],
      [4, 2, ['b/c.ts']],
    ]);
    expect(() => validatePlan(plan, 4)).not.toThrow();
    expect(() => validatePlan(plan, 3)).toThrow(/4 agents, more than the limit of 3/);
  });

  it('keeps the files of proposed tasks beyond the limit as unassigned', () => {
    const plan = planFromProposal(
      [
        { title: 'one', description: 'd1', files: ['a.ts'] },
        { title: 'two', description: 'd2', files: ['b.ts', 'a.ts'] },
      ],
      { maxAgents: 1, agentsPerTask: 1 },
    );
    expect(plan.tasks).toHaveLength(1);
    expect(plan.unassigned).toEqual(['b.ts']);
  });

  it('moves files, adds and removes agents', () => {
    let plan = planFromFiles({ files: sized({ 'a.ts': 1, 'b.ts': 1 }), change: 'C', maxAgents: 2, agentsPerTask: 1 });
    plan = moveFile(plan, 'a.ts', 2);
    expect(plan.tasks.map((task) => task.files)).toEqual([[], ['a.ts', 'b.ts']]);
    plan = addAgent(plan);
    expect(plan.tasks.map((task) => task.agent)).toEqual([1, 2, 3]);
    plan = removeAgent(plan, 2);
    expect(plan.tasks.map((task) => task.agent)).toEqual([1, 2]);
    expect(plan.unassigned).toEqual(['a.ts', 'b.ts']);
    plan = moveFile(plan, 'b.ts', 1);
    expect(plan.tasks[0]?.files).toEqual(['b.ts']);
    expect(plan.unassigned).toEqual(['a.ts']);
  });
});
