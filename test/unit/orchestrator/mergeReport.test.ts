import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { conflictBrief } from '../../../src/agents/conflictResolver.js';
import { filesWithConflictMarkers } from '../../../src/git/merge.js';
import { Redactor } from '../../../src/logs/redact.js';
import { recordMergeInSummary } from '../../../src/logs/summary.js';
import type { MergeCheck } from '../../../src/logs/types.js';
import { describeMerge, mergeExitCode, mergeRecord, type MergeReport } from '../../../src/orchestrator/merge.js';
import { makeTempDir } from '../../support/gitRepo.js';
import { cleanUp } from '../../support/cleanUp.js';

const report = (overrides: Partial<MergeReport> = {}): MergeReport => ({
  target: 'aider-orchestrator/r/merged',
  merged: [1],
  conflicts: [],
  resolved: [],
  leftOut: [],
  resolverUsage: new Map(),
  check: undefined,
  ...overrides,
});

const failedCheck: MergeCheck = {
  command: 'npm test',
  passed: false,
  exitCode: 1,
  timedOut: false,
  output: `${Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join('\n')}\n`,
};

describe('what a merge says', () => {
  it('names a branch left out, with a hint to resolve it with an agent, and exits 1', () => {
    const result = report({ conflicts: [{ agent: 2, branch: 'b2', files: ['a.py'] }] });
    expect(describeMerge(result)).toEqual([
      'merged agent 1 into aider-orchestrator/r/merged',
      'agent 2 conflicts in a.py: left out; to merge it by hand: git switch aider-orchestrator/r/merged && git merge b2 (or let an agent resolve it: merge --resolve)',
    ]);
    expect(mergeExitCode(result)).toBe(1);
  });

  it('says what the agent resolved, and exits 0 when the check passed', () => {
    const result = report({
      merged: [1, 2],
      resolved: [{ agent: 2, branch: 'b2', files: ['a.py', 'b.py'] }],
      check: { command: 'npm test', passed: true, exitCode: 0, timedOut: false, output: 'ok\n' },
    });
    expect(describeMerge(result)).toEqual([
      'merged agents 1, 2 into aider-orchestrator/r/merged',
      'agent 2 conflicted in a.py, b.py: resolved by an agent and merged',
      'check passed on aider-orchestrator/r/merged: npm test',
    ]);
    expect(mergeExitCode(result)).toBe(0);
  });

  it('ends with the failed check and the last lines of its output, and exits 1', () => {
    const result = report({ check: failedCheck });
    const lines = describeMerge(result, { outputLines: 3 });
    expect(lines.slice(1)).toEqual([
      'check failed on aider-orchestrator/r/merged (exit 1): npm test',
      '  line 28',
      '  line 29',
      '  line 30',
    ]);
    expect(mergeExitCode(result)).toBe(1);
    expect(
      describeMerge(report({ check: { ...failedCheck, exitCode: null, timedOut: true, timeoutMs: 120_000 } }), { outputLines: 0 })[1],
    ).toBe('check failed on aider-orchestrator/r/merged (timed out after 2m): npm test');
  });

  it('keeps the resolver’s cost in the summary record', () => {
    const usage = { iterations: 2, tokens: { prompt: 900, completion: 100, total: 1000 }, cost: 0.01 };
    const record = mergeRecord(
      report({ merged: [1, 2], resolved: [{ agent: 2, branch: 'b2', files: ['a.py'] }], resolverUsage: new Map([[2, usage]]) }),
    );
    expect(record).toMatchObject({
      branch: 'aider-orchestrator/r/merged',
      merged: [1, 2],
      leftOut: [],
      resolved: [{ agent: 2, branch: 'b2', files: ['a.py'], iterations: 2, tokens: 1000, cost: 0.01 }],
      check: undefined,
    });
  });
});

describe('the resolver’s brief', () => {
  it('has both sides’ tasks, the files and the PRD’s name', () => {
    const brief = conflictBrief(
      {
        worktree: '/w',
        target: 'aider-orchestrator/r/merged',
        branch: 'aider-orchestrator/r/agent-3',
        files: ['a.py'],
        merged: [
          { agent: 1, task: 'Add add()' },
          { agent: 2, task: 'Add mul()' },
        ],
        incoming: { agent: 3, task: 'Add sub()' },
      },
      '/repo/docs/prd/x.md',
    );
    expect(brief).toContain('which holds the work of agent 1, agent 2');
    expect(brief).toContain('### Agent 1\n\nAdd add()');
    expect(brief).toContain('### Agent 2\n\nAdd mul()');
    expect(brief).toContain('## The incoming branch’s task\n\n### Agent 3\n\nAdd sub()');
    expect(brief).toContain('Git could not merge these files (they are in the chat): a.py.');
    expect(brief).toContain('read-only file x.md');
  });
});

describe('conflict markers', () => {
  it('finds files that still hold a marker line, not look-alikes', () => {
    const dir = makeTempDir();
    cleanUp(dir.cleanup);
    fs.writeFileSync(path.join(dir.dir, 'left.py'), 'a\n<<<<<<< HEAD\nb\n=======\nc\n>>>>>>> other\n');
    fs.writeFileSync(path.join(dir.dir, 'end.py'), 'a\n>>>>>>>\n');
    fs.writeFileSync(path.join(dir.dir, 'clean.py'), 'x = "<<<<<<< not at the start"\n# <<<<<<<< eight\n');
    expect(filesWithConflictMarkers(dir.dir, ['left.py', 'end.py', 'clean.py', 'deleted.py', '../outside.py'])).toEqual([
      'left.py',
      'end.py',
    ]);
  });
});

describe('the merge in the summary file', () => {
  it('is added to the run’s own summary only', () => {
    const dir = makeTempDir();
    cleanUp(dir.cleanup);
    const file = path.join(dir.dir, 'summary.json');
    fs.writeFileSync(file, JSON.stringify({ runId: 'r', agents: [], totals: {} }));
    const record = mergeRecord(report({ check: failedCheck }));
    expect(recordMergeInSummary(file, 'other-run', record, new Redactor([]))).toBe(false);
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).merge).toBeUndefined();
    expect(recordMergeInSummary(file, 'r', record, new Redactor([]))).toBe(true);
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).merge).toMatchObject({
      branch: 'aider-orchestrator/r/merged',
      check: { passed: false },
    });
    expect(recordMergeInSummary(path.join(dir.dir, 'missing.json'), 'r', record, new Redactor([]))).toBe(false);
  });
});
