import fs from 'node:fs';
import path from 'node:path';
import { expect, it, onTestFinished } from 'vitest';
import { aiderBin, describeWithAider } from '../support/aider.js';
import { isolatedEnv, runCli } from '../support/cli.js';
import { startGeminiServer } from '../support/geminiServer.js';
import { makeTempDir, makeTempRepo } from '../support/gitRepo.js';
import { startOpenAiServer, wholeFileEdit } from '../support/openaiServer.js';

// Its own file: aider retries a failing LLM for about a minute, so this runs beside the others.
describeWithAider(`an agent whose LLM always fails`, () => {
  it('fails that agent, lets the other succeed, and exits 1', async () => {
    const repo = await makeTempRepo({ 'a.py': 'A = 1\n', 'b.py': 'B = 2\n' });
    const home = makeTempDir('ao-home-');
    const gemini = await startGeminiServer([{ text: '# PRD\n\nChange A and B.\n' }]);
    const openai = await startOpenAiServer((request) => {
      const text = request.messages.map((message) => String(message.content)).join('\n');
      if (text.includes('b.py\n```')) return { error: 500, message: 'scripted outage' };
      return { text: wholeFileEdit('a.py', 'A = 10\n', 'python') };
    });
    onTestFinished(repo.cleanup);
    onTestFinished(home.cleanup);
    onTestFinished(() => gemini.close());
    onTestFinished(() => openai.close());

    const result = await runCli(
      [
        '--headless',
        '--yes',
        '--change',
        'Change A and B',
        '--files',
        'a.py',
        'b.py',
        '--max-agents',
        '2',
        '--model',
        'openai/test-model',
        '--aider-bin',
        aiderBin(),
      ],
      {
        cwd: repo.dir,
        env: isolatedEnv(
          { home: home.dir },
          { GEMINI_API_KEY: 'g-key', GOOGLE_GEMINI_BASE_URL: gemini.url, OPENAI_API_KEY: 'sk-x', OPENAI_API_BASE: openai.url },
        ),
      },
    );

    expect(result.exitCode, result.stderr).toBe(1);
    const logDir = path.join(repo.dir, '.aider_logs');
    const summary = JSON.parse(fs.readFileSync(path.join(logDir, fs.readdirSync(logDir).find((f) => f.startsWith('summary_'))!), 'utf8'));
    const byFile = Object.fromEntries(summary.agents.map((agent: { files: string[] }) => [agent.files[0], agent]));
    expect(byFile['a.py'].status).toBe('succeeded');
    expect(byFile['a.py'].commits).toHaveLength(1);
    expect(byFile['b.py'].status).toBe('failed');
    expect(byFile['b.py'].iterations).toBe(0);
    expect(byFile['b.py'].commits).toEqual([]);
    expect(summary.status).toBe('failed');
    expect(result.stdout).toMatch(/agent \d failed: /);
  }, 300_000);
});
