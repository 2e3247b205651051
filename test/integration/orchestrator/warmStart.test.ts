import fs from 'node:fs';
import path from 'node:path';
import { expect, it, onTestFinished } from 'vitest';
import { createRun } from '../../../src/orchestrator/createRun.js';
import type { Run } from '../../../src/orchestrator/run.js';
import { aiderBin, describeWithAider } from '../../support/aider.js';
import { isolatedEnv } from '../../support/cli.js';
import { startGeminiServer } from '../../support/geminiServer.js';
import { makeTempDir, makeTempRepo } from '../../support/gitRepo.js';
import { startOpenAiServer, wholeFileEdit } from '../../support/openaiServer.js';
import { processesWith, waitForNoProcess } from '../../support/processes.js';

/** Two agents' worth of real aider start-ups on a loaded 2-core machine. */
const TIMEOUT_MS = 300_000;

/** A run of two agents (--files a.py b.py) against stand-ins for the PRD model and aider's model. */
const setUp = async () => {
  const repo = await makeTempRepo({ 'a.py': 'A = 1\n', 'b.py': 'B = 2\n' });
  const home = makeTempDir('ao-home-');
  const gemini = await startGeminiServer([{ text: '# PRD\n\nSet A to 10 and B to 20.\n' }]);
  const openai = await startOpenAiServer((request) =>
    request.text.includes('a.py\n```')
      ? { text: wholeFileEdit('a.py', 'A = 10\n', 'python') }
      : { text: wholeFileEdit('b.py', 'B = 20\n', 'python') },
  );
  const env = isolatedEnv(
    { home: home.dir },
    { GEMINI_API_KEY: 'g', GOOGLE_GEMINI_BASE_URL: gemini.url, OPENAI_API_KEY: 'sk-x', OPENAI_API_BASE: openai.url },
  );
  const run: Run = await createRun({
    change: 'Set A to 10 and B to 20',
    flags: { agentModel: 'openai/test-model', maxAgents: 2, aiderBin: aiderBin() },
    files: ['a.py', 'b.py'],
    repo: undefined,
    cwd: repo.dir,
    env,
    terminalSize: { cols: 100, rows: 30 },
    warn: () => undefined,
  });
  const runsDir = path.join(home.dir, 'data', 'runs', run.runId);
  onTestFinished(repo.cleanup);
  onTestFinished(home.cleanup);
  onTestFinished(() => gemini.close());
  onTestFinished(() => openai.close());
  onTestFinished(() => run.close());
  return { repo, run, openai, runsDir };
};

describeWithAider(`warm start: aiders wait at their prompt while the PRD is read`, () => {
  it(
    'starts every planned agent’s aider before approve, with no request to the model, and commits land on the agent branches',
    async () => {
      const { repo, run, openai, runsDir } = await setUp();
      await run.generatePrd();
      expect(run.phase).toBe('review');
      expect(await run.whenWarm()).toBe(2);
      // Both aiders run in the run's prepared workspaces; the model has not been asked anything.
      const aiders = await processesWith(path.join(runsDir, 'agent-'));
      expect(aiders.filter((line) => line.includes('--analytics-log'))).toHaveLength(2);
      expect(openai.requests).toHaveLength(0);

      await run.approvePrd();
      const summary = await run.startAgents();
      expect(summary.agents.map((agent) => agent.status)).toEqual(['succeeded', 'succeeded']);
      // The aider started in a detached worktree committed onto the branch made at approve.
      for (const agent of summary.agents) {
        expect((await repo.git('log', '--format=%s', `main..${agent.branch}`)).trim()).toBe('feat: scripted change');
      }
      // Each agent worked in the aider started before approve: one aider session per agent.
      for (const agent of [1, 2]) {
        const log = fs.readFileSync(path.join(runsDir, `agent-${agent}`, 'run-1', 'analytics.jsonl'), 'utf8');
        expect(log.match(/"event": ?"cli session"/g)).toHaveLength(1);
      }
      await waitForNoProcess(runsDir);
    },
    TIMEOUT_MS,
  );

  it(
    'ends every warm aider when the run is cancelled at the PRD',
    async () => {
      const { run, openai, runsDir } = await setUp();
      await run.generatePrd();
      expect(await run.whenWarm()).toBe(2);
      run.cancel();
      await run.close();
      await waitForNoProcess(runsDir);
      expect(openai.requests).toHaveLength(0);
    },
    TIMEOUT_MS,
  );
});
