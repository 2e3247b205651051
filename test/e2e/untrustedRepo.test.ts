import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { isolatedEnv, runCli } from '../support/cli.js';
import { startGeminiServer, type GeminiServer } from '../support/geminiServer.js';
import { makeTempDir } from '../support/gitRepo.js';
import { makeHostileRepo, SECRET_MARKER, type HostileRepo } from '../support/hostileRepo.js';

const setup = async () => {
  const repo: HostileRepo = await makeHostileRepo();
  const home = makeTempDir('ao-home-');
  onTestFinished(repo.cleanup);
  onTestFinished(home.cleanup);
  return { repo, home: home.dir };
};

/**
 * An executable that answers --version like aider 0.86.2; otherwise it writes its arguments,
 * one per line, to `<log>` and fails: what the agents were handed, without a model.
 */
const recordingAider = (dir: string) => {
  const file = path.join(dir, 'aider');
  const log = path.join(dir, 'aider-args.log');
  fs.writeFileSync(
    file,
    `#!/bin/sh\nif [ "$1" = "--version" ]; then echo "aider 0.86.2"; exit 0; fi\nprintf '%s\\n' "$@" >> '${log}'\nexit 3\n`,
    { mode: 0o755 },
  );
  return { file, args: () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n') : []) };
};

/** Everything the PRD model was sent, as received: bodies, prompts, headers. */
const everythingSent = (gemini: GeminiServer) => JSON.stringify(gemini.requests);

// The marker is in the app's environment too, where a link to /proc/self/environ would find it.
const env = (home: string, gemini: GeminiServer) =>
  isolatedEnv(
    { home },
    { GEMINI_API_KEY: 'g-key', OPENAI_API_KEY: 'sk-x', GOOGLE_GEMINI_BASE_URL: gemini.url, AO_TEST_SECRET: SECRET_MARKER },
  );

describe('a repository whose symlinks lead out of it', () => {
  it('--files refuses a link outside, a symlinked folder, /proc/self/environ, a broken link and a deleted file: one line, exit 2, nothing sent', async () => {
    const { repo, home } = await setup();
    const gemini = await startGeminiServer([{ text: '# PRD\n' }]);
    onTestFinished(() => gemini.close());
    const cases: [string, RegExp][] = [
      [
        'README.md',
        /^error: .*README\.md leads outside the repository through a symlink \(to .*secret\.txt\): agents only see and edit files inside it, so leave it out of --files$/,
      ],
      ['lib/secret.py', /^error: .*lib\/secret\.py leads outside the repository through a symlink/],
      ['env.txt', /^error: .*env\.txt leads outside the repository through a symlink \(to \/proc\/\d+\/environ\)/],
      ['src', /^error: src\/leak\.py \(in .*src\) leads outside the repository through a symlink/],
      [
        'broken.py',
        /^error: .*broken\.py is a broken symlink \(to nowhere\.py, which does not exist\): fix or remove the link, or leave it out of --files$/,
      ],
      [
        'gone.py',
        /^error: .*gone\.py is tracked but missing from the checkout \(deleted and not committed\): restore it with `git checkout -- gone\.py`, or leave it out of --files$/,
      ],
    ];
    for (const [file, message] of cases) {
      const result = await runCli(['--headless', '--yes', '--change', 'x', '--files', file, '--aider-bin', '/nonexistent/aider'], {
        cwd: repo.dir,
        env: env(home, gemini),
      });
      expect(result.exitCode, file).toBe(2);
      expect(result.stderr.trim().split('\n'), file).toHaveLength(1);
      expect(result.stderr.trim(), file).toMatch(message);
    }
    expect(gemini.requests).toHaveLength(0);
  });

  it('never sends what the links lead to, and drops them from the model’s plan before any agent gets them', async () => {
    const { repo, home } = await setup();
    const gemini = await startGeminiServer([
      { text: '# PRD\n\nTouch everything.\n' },
      {
        json: [
          {
            title: 'Everything',
            description: 'Edit all of it.',
            files: ['a.py', 'README.md', 'env.txt', 'lib/secret.py', 'lib/new.py', 'src', 'docs/alias.py'],
          },
        ],
      },
    ]);
    onTestFinished(() => gemini.close());
    const aiderDir = makeTempDir('ao-aider-');
    onTestFinished(aiderDir.cleanup);
    const aider = recordingAider(aiderDir.dir);

    const result = await runCli(['--headless', '--yes', '--change', 'Touch everything', '--aider-bin', aider.file], {
      cwd: repo.dir,
      env: env(home, gemini),
    });

    expect(result.exitCode, result.stderr).toBe(1); // the stand-in aider fails its agent
    expect(gemini.requests).toHaveLength(2); // the PRD and the plan
    expect(everythingSent(gemini)).not.toContain(SECRET_MARKER);
    // The repo context still lists the names: only contents must not leave.
    expect(gemini.requests[0]?.prompt).toContain('README.md');
    for (const dropped of ['README.md', 'env.txt', 'lib/secret.py', 'lib/new.py', 'src/leak.py (in src)']) {
      expect(result.stderr).toContain(`warning: the plan named ${dropped}, left out: it leads outside the repository through a symlink`);
    }
    expect(result.stderr).toMatch(/agent 1: Everything \[a\.py, src\/ok\.py\]/);
    // Files reach aider only as the agent's task (its task file, then /add once aider waits at its prompt).
    expect(aider.args().filter((arg) => arg.startsWith('--file'))).toEqual([]);
    const runs = path.join(home, 'data', 'runs');
    const [runId] = fs.readdirSync(runs);
    const task = fs.readFileSync(path.join(runs, runId!, 'agent-1', 'run-1', 'task.md'), 'utf8');
    expect(task).toContain('Files you own (already added to the chat): a.py, src/ok.py\n');
    for (const dropped of ['README.md', 'env.txt', 'secret.py', 'new.py', 'leak.py']) expect(task).not.toContain(dropped);
    expect(result.stdout + result.stderr).not.toContain(SECRET_MARKER);
  });
});
