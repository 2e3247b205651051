import { execa } from 'execa';
import fs from 'node:fs';
import path from 'node:path';
import { expect, it, onTestFinished } from 'vitest';
import { aiderBin, describeWithAider } from '../support/aider.js';
import { isolatedEnv, runCli, startCli } from '../support/cli.js';
import { startGeminiServer } from '../support/geminiServer.js';
import { makeTempDir, makeTempRepo } from '../support/gitRepo.js';
import { startOpenAiServer, wholeFileEdit } from '../support/openaiServer.js';
import { waitFor } from '../support/waitFor.js';

describeWithAider(`a run that survives being killed`, () => {
  it('leaves no aider behind after SIGKILL, keeps the commits, and resume finishes the unfinished agent', async () => {
    const repo = await makeTempRepo({ 'a.py': 'A = 1\n', 'b.py': 'B = 2\n' });
    const home = makeTempDir('ao-home-');
    const gemini = await startGeminiServer([{ text: '# PRD\n\nSet A to 10 and B to 20.\n' }]);
    let answerB = false;
    const openai = await startOpenAiServer((request) => {
      if (request.text.includes('a.py\n```')) return { text: wholeFileEdit('a.py', 'A = 10\n', 'python') };
      return answerB ? { text: wholeFileEdit('b.py', 'B = 20\n', 'python') } : { hang: true };
    });
    onTestFinished(repo.cleanup);
    onTestFinished(home.cleanup);
    onTestFinished(() => gemini.close());
    onTestFinished(() => openai.close());
    const env = isolatedEnv(
      { home: home.dir },
      { GEMINI_API_KEY: 'g', GOOGLE_GEMINI_BASE_URL: gemini.url, OPENAI_API_KEY: 'sk-x', OPENAI_API_BASE: openai.url },
    );
    const bin = aiderBin();

    const child = startCli(
      [
        '--headless',
        '--yes',
        '--change',
        'Set A and B',
        '--files',
        'a.py',
        'b.py',
        '--max-agents',
        '2',
        '--model',
        'openai/test-model',
        '--aider-bin',
        bin,
      ],
      { cwd: repo.dir, env },
    );
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await waitFor(
      () => /state: succeeded/.test(stderr) && (stderr.match(/state: working/g) ?? []).length >= 2,
      () => `one agent done and the other working:\n${stderr}`,
      120_000,
      100,
    );
    // While the run's process lives, nothing else may drive it: resume, clean and merge refuse, naming it.
    for (const args of [['resume'], ['clean', '--branches', '--yes'], ['merge']]) {
      const refused = await runCli(args, { cwd: repo.dir, env });
      expect(refused.exitCode, refused.stderr).toBe(2);
      expect(refused.stderr).toMatch(
        new RegExp(`^error: run \\d{8}-\\d{6}-[0-9a-f]{4} is still running \\(process ${child.pid} drives it\\): wait for it to end`),
      );
    }
    child.kill('SIGKILL');
    await child;

    // The pty hang-up ends every aider of the run.
    const runsDir = path.join(home.dir, 'data', 'runs');
    await waitFor(
      async () => !String((await execa('ps', ['-eo', 'args'])).stdout).includes(runsDir),
      'the aider processes to end',
      30_000,
      100,
    );
    // The finished agent's commit is on its branch; no summary was written.
    const branches = (await repo.git('branch', '--list', 'aider-orchestrator/*', '--format=%(refname:short)')).trim().split('\n');
    expect(branches).toHaveLength(2);
    const logs = await Promise.all(branches.map((branch) => repo.git('log', '--format=%s', `main..${branch}`)));
    expect(logs.filter((log) => log.trim() === 'feat: scripted change')).toHaveLength(1);
    expect(fs.readdirSync(path.join(repo.dir, '.aider_logs')).some((name) => name.startsWith('summary_'))).toBe(false);

    const listed = await runCli(['runs'], { cwd: repo.dir, env });
    expect(listed.stdout).toMatch(/unfinished\s+1 ok 0 failed/);

    answerB = true;
    const resumed = await runCli(['resume'], { cwd: repo.dir, env });
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/Resuming run \d{8}-\d{6}-[0-9a-f]{4}/);
    const logDir = path.join(repo.dir, '.aider_logs');
    const summaryFile = fs.readdirSync(logDir).find((name) => name.startsWith('summary_'))!;
    const summary = JSON.parse(fs.readFileSync(path.join(logDir, summaryFile), 'utf8'));
    expect(summary.status).toBe('succeeded');
    expect(summary.agents.map((agent: { status: string }) => agent.status)).toEqual(['succeeded', 'succeeded']);
    for (const agent of summary.agents) expect(agent.commits).toHaveLength(1);
    // The resumed aider continued its conversation: the task it had is in the request again.
    const resumedTurn = openai.requests.filter(
      (request) => request.kind === 'turn' && request.text.includes('The session was interrupted'),
    );
    expect(resumedTurn).toHaveLength(1);
    expect(resumedTurn[0]!.text).toContain('# Your task');

    const shown = await runCli(['show', summary.runId], { cwd: repo.dir, env });
    expect(shown.stdout).toMatch(/total\s+2\/2 ok/);
    const again = await runCli(['resume', summary.runId], { cwd: repo.dir, env });
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toMatch(/has finished \(succeeded\): nothing to resume/);
  }, 300_000);
});
