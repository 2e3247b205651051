import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildAiderEnv } from '../../../src/agents/aiderArgs.js';
import { CONFLICT_BRIEF_FILE } from '../../../src/agents/conflictResolver.js';
import { Redactor } from '../../../src/logs/redact.js';
import {
  describeMerge,
  mergeExitCode,
  mergeRecord,
  mergeRun,
  type MergeOptions,
  type RunToMerge,
} from '../../../src/orchestrator/merge.js';
import { findTestAider } from '../../support/aider.js';
import { makeTempDir, makeTempRepo, type TempRepo } from '../../support/gitRepo.js';
import { startOpenAiServer, wholeFileEdit, type ChatScript, type OpenAiServer } from '../../support/openaiServer.js';
import { cleanUp } from '../../support/cleanUp.js';

/** aider's start-up alone can take tens of seconds on a loaded 2-core machine. */
const AIDER_TIMEOUT_MS = 180_000;
const aider = findTestAider();

const BASE = 'def greet(name):\n    return f"Hello, {name}!"\n';
const WITH_ADD = `${BASE}\n\ndef add(a, b):\n    return a + b\n`;
const WITH_SUB = `${BASE}\n\ndef sub(a, b):\n    return a - b\n`;
const BOTH = `${BASE}\n\ndef add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n`;
/** What a model that gave up would send back: the file as it is, markers and all. */
const STILL_CONFLICTED = `${BASE}\n\n<<<<<<< HEAD\ndef add(a, b):\n    return a + b\n=======\ndef sub(a, b):\n    return a - b\n>>>>>>> aider-orchestrator/r/agent-2\n`;

/** A finished run whose two succeeded agents both appended a function to calc.py: the second conflicts. */
const conflictingRun = async (repo: TempRepo, prdPath: string | undefined): Promise<RunToMerge> => {
  const base = (await repo.git('rev-parse', 'HEAD')).trim();
  for (const [n, content] of [
    [1, WITH_ADD],
    [2, WITH_SUB],
  ] as const) {
    await repo.git('switch', '-q', '-c', `aider-orchestrator/r/agent-${n}`, base);
    fs.writeFileSync(path.join(repo.dir, 'calc.py'), content);
    await repo.git('commit', '-qam', `feat: agent ${n}`);
  }
  await repo.git('switch', '-q', 'main');
  return {
    runId: 'r',
    repo: repo.dir,
    baseCommit: base,
    prdPath,
    agents: [
      { id: 1, branch: 'aider-orchestrator/r/agent-1', status: 'succeeded', brief: 'Add add()\n\nAdd add(a, b) to calc.py.' },
      { id: 2, branch: 'aider-orchestrator/r/agent-2', status: 'succeeded', brief: 'Add sub()\n\nAdd sub(a, b) to calc.py.' },
    ],
  };
};

const setUp = async (script: ChatScript, check: string) => {
  const repo = await makeTempRepo({ 'calc.py': BASE });
  const data = makeTempDir('ao-resolve-');
  const server: OpenAiServer = await startOpenAiServer(script);
  cleanUp(repo.cleanup, data.cleanup, () => server.close());
  const prdPath = path.join(data.dir, 'prd.md');
  fs.writeFileSync(prdPath, '# PRD\n\nA calculator with add and sub.\n');
  const run = await conflictingRun(repo, prdPath);
  const env = buildAiderEnv({ PATH: process.env.PATH, HOME: data.dir, OPENAI_API_KEY: 'sk-x', OPENAI_API_BASE: server.url });
  const redactor = new Redactor([]);
  const options: MergeOptions = {
    resolve: {
      aiderBin: 'bin' in aider ? aider.bin : '',
      model: 'openai/test-model',
      env,
      extraArgs: [],
      idleTimeout: AIDER_TIMEOUT_MS,
      // aider lints the file it edited: markers left are a syntax error, and it retries up to 3 times.
      maxIterations: 10,
      redactor,
      stateDir: path.join(data.dir, 'merge'),
    },
    check: { command: check, timeoutMs: 60_000, env, redactor },
  };
  return { repo, server, run, options, stateDir: path.join(data.dir, 'merge') };
};

/** Two parents: a real merge commit. */
const parentsOf = async (repo: TempRepo, ref: string) =>
  (await repo.git('rev-list', '--parents', '-n', '1', ref)).trim().split(' ').slice(1);

describe.skipIf('skip' in aider)(`conflicts resolved by the real aider${'skip' in aider ? ` (skipped: ${aider.skip})` : ''}`, () => {
  it(
    'resolves the conflict with both changes, commits the merge with two parents, and runs the check on the result',
    async () => {
      const { repo, server, run, options, stateDir } = await setUp(
        [{ text: wholeFileEdit('calc.py', BOTH, 'python') }],
        'python3 -c "import calc; assert calc.add(2, 1) == 3 and calc.sub(2, 1) == 1" && echo both functions work',
      );
      const progress: string[] = [];
      const report = await mergeRun(run, (line) => progress.push(line), options);

      expect(report.merged).toEqual([1, 2]);
      expect(report.conflicts).toEqual([]);
      expect(report.resolved).toEqual([{ agent: 2, branch: 'aider-orchestrator/r/agent-2', files: ['calc.py'] }]);
      expect(await repo.git('show', 'aider-orchestrator/r/merged:calc.py')).toBe(BOTH.trimEnd());
      expect(await parentsOf(repo, 'aider-orchestrator/r/merged')).toHaveLength(2);
      expect(await repo.git('log', '-1', '--format=%s', 'aider-orchestrator/r/merged')).toBe(
        'Merge agent 2 (aider-orchestrator/r/agent-2)',
      );
      // The model saw the conflicted file, both tasks and the PRD.
      const turn = server.requests.find((request) => request.kind === 'turn');
      expect(turn?.text).toContain('<<<<<<< HEAD');
      expect(turn?.text).toContain('Add add(a, b) to calc.py.');
      expect(turn?.text).toContain('Add sub(a, b) to calc.py.');
      expect(turn?.text).toContain('A calculator with add and sub.');
      // aider only edited: no commit-message request (it cannot commit during a merge).
      expect(server.requests.filter((request) => request.kind === 'commit')).toEqual([]);
      expect(fs.existsSync(path.join(stateDir, 'agent-2', CONFLICT_BRIEF_FILE))).toBe(true);

      expect(report.check).toMatchObject({ passed: true, exitCode: 0, timedOut: false });
      expect(report.check?.output).toContain('both functions work');
      expect(mergeExitCode(report)).toBe(0);
      expect(describeMerge(report)).toEqual([
        'merged agents 1, 2 into aider-orchestrator/r/merged',
        'agent 2 conflicted in calc.py: resolved by an agent and merged',
        `check passed on aider-orchestrator/r/merged: ${options.check!.command}`,
      ]);
      expect(mergeRecord(report)).toMatchObject({
        branch: 'aider-orchestrator/r/merged',
        merged: [1, 2],
        leftOut: [],
        resolved: [{ agent: 2, files: ['calc.py'], iterations: 1 }],
        check: { passed: true },
      });
      expect(progress).toContain('agent 2 conflicts in calc.py: resolving with an agent');
      // The user's checkout is untouched, and no merge worktree is left.
      expect((await repo.git('branch', '--show-current')).trim()).toBe('main');
      expect((await repo.git('worktree', 'list')).trim().split('\n')).toHaveLength(1);
    },
    AIDER_TIMEOUT_MS,
  );

  it(
    'leaves the branch out when the reply keeps the markers: nothing half-merged, and a failing check fails the merge',
    async () => {
      // The check shows the integration worktree's state, then fails as a test suite would.
      const { repo, run, options } = await setUp(
        [{ text: wholeFileEdit('calc.py', STILL_CONFLICTED, 'python') }],
        'git status --porcelain; test -e "$(git rev-parse --git-path MERGE_HEAD)" && echo MERGE_HEAD present; echo "FAILED test_sub: sub is missing"; exit 1',
      );
      const report = await mergeRun(run, undefined, options);

      expect(report.merged).toEqual([1]);
      expect(report.resolved).toEqual([]);
      expect(report.conflicts).toEqual([
        { agent: 2, branch: 'aider-orchestrator/r/agent-2', files: ['calc.py'], reason: 'conflict markers left in calc.py' },
      ]);
      // Clean status, no merge in progress when the check ran: only its own line came out.
      expect(report.check).toMatchObject({ passed: false, exitCode: 1 });
      expect(report.check?.output.trim()).toBe('FAILED test_sub: sub is missing');
      expect(await repo.git('show', 'aider-orchestrator/r/merged:calc.py')).toBe(WITH_ADD.trimEnd());
      expect(mergeExitCode(report)).toBe(1);
      const lines = describeMerge(report);
      expect(lines).toContain(
        'agent 2 conflicts in calc.py: left out (the agent could not resolve them: conflict markers left in calc.py); to merge it by hand: git switch aider-orchestrator/r/merged && git merge aider-orchestrator/r/agent-2',
      );
      expect(lines.slice(-2)).toEqual([
        `check failed on aider-orchestrator/r/merged (exit 1): ${options.check!.command}`,
        '  FAILED test_sub: sub is missing',
      ]);
    },
    AIDER_TIMEOUT_MS,
  );

  it(
    'stops aider at the iteration cap and leaves the branch out, naming the cap',
    async () => {
      const { repo, run, options } = await setUp([{ text: wholeFileEdit('calc.py', STILL_CONFLICTED, 'python') }], 'true');
      const report = await mergeRun(run, undefined, { ...options, resolve: { ...options.resolve!, maxIterations: 1 } });
      expect(report.conflicts).toEqual([
        {
          agent: 2,
          branch: 'aider-orchestrator/r/agent-2',
          files: ['calc.py'],
          reason: 'reached --max-iterations (1) before aider finished',
        },
      ]);
      expect(await repo.git('show', 'aider-orchestrator/r/merged:calc.py')).toBe(WITH_ADD.trimEnd());
      expect(await parentsOf(repo, 'aider-orchestrator/r/merged')).toHaveLength(2);
    },
    AIDER_TIMEOUT_MS,
  );
});
