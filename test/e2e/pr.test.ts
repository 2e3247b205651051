import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { isolatedEnv, runCli, type CliResult } from '../support/cli.js';
import { addBareRemote, recordFinishedRun } from '../support/finishedRun.js';
import { startGeminiServer } from '../support/geminiServer.js';
import { startGithubServer } from '../support/githubServer.js';
import { makeTempDir, makeTempRepo } from '../support/gitRepo.js';
import { cleanUp } from '../support/cleanUp.js';

const TOKEN = 'ghp_e2eStandInToken0123456789abcdefghijkl';
const PR_TEXT = { title: 'Change a and b together', body: 'Both files change.\n\n## Agents\n\n- Agent 1: a.py\n- Agent 2: b.py' };

/** A finished run of two agents (real branches, history, summary file), a bare `origin`, GitHub and Gemini stand-ins. */
const setup = async () => {
  const repo = await makeTempRepo({ 'a.py': 'A = 1\n', 'b.py': 'B = 2\n' });
  const home = makeTempDir('ao-home-');
  cleanUp(repo.cleanup, home.cleanup);
  const dataDir = path.join(home.dir, 'data');
  const bare = await addBareRemote(repo, home.dir);
  const run = await recordFinishedRun({
    repo,
    dataDir,
    agents: [
      { state: 'succeeded', edit: 'a.py' },
      { state: 'succeeded', edit: 'b.py' },
    ],
  });
  const github = await startGithubServer({ token: TOKEN });
  const gemini = await startGeminiServer([{ json: PR_TEXT }]);
  cleanUp(github.close, gemini.close);
  const env = isolatedEnv(
    { home: home.dir },
    {
      GITHUB_TOKEN: TOKEN,
      GITHUB_REPOSITORY: 'octo/app',
      GITHUB_API_URL: github.url,
      GEMINI_API_KEY: 'AIzaSy-e2e-pr-key-0123456789abcdef',
      GOOGLE_GEMINI_BASE_URL: gemini.url,
    },
  );
  return { repo, home: home.dir, dataDir, bare, run, github, gemini, env };
};

const remoteBranches = async (bare: string): Promise<string[]> =>
  String((await execa('git', ['for-each-ref', '--format=%(refname:short)', 'refs/heads/'], { cwd: bare })).stdout)
    .split('\n')
    .filter(Boolean)
    .sort();

/** One line on stderr, `error: ...`, and no stack trace. */
const expectOneLineError = (result: CliResult, exitCode: number, pattern: RegExp) => {
  expect(result.exitCode, result.stderr).toBe(exitCode);
  const lines = result.stderr.trim().split('\n');
  expect(lines.at(-1)).toMatch(pattern);
  expect(lines.filter((line) => line.startsWith('error: '))).toHaveLength(1);
  expect(result.stderr).not.toMatch(/\n\s+at |internal error/);
};

/** Every file under `dir` whose bytes hold `secret`. */
const filesHolding = (dir: string, secret: string): string[] =>
  (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .filter((file) => fs.readFileSync(file).includes(secret));

describe('aider-orchestrator pr', () => {
  it('asks for --yes without a terminal, then pushes the merged branch and opens the pull request; show and the summary have its URL', async () => {
    const { repo, dataDir, bare, run, github, gemini, env } = await setup();
    const merged = `aider-orchestrator/${run.id}/merged`;
    expectOneLineError(
      await runCli(['pr'], { cwd: repo.dir, env }),
      2,
      new RegExp(`^error: the integration branch ${merged} does not exist: run \`aider-orchestrator merge ${run.id}\` first`),
    );
    expect((await runCli(['merge'], { cwd: repo.dir, env })).exitCode).toBe(0);

    const unasked = await runCli(['pr'], { cwd: repo.dir, env });
    expectOneLineError(
      unasked,
      2,
      new RegExp(
        `^error: Push ${merged} to origin and open a pull request in octo/app into main needs a confirmation, and there is no terminal to ask: pass --yes$`,
      ),
    );
    expect(unasked.stderr).toContain(`push ${merged} (agents 1, 2) and open a pull request into main`);
    expect(await remoteBranches(bare)).toEqual(['main']);

    const opened = await runCli(['pr', '--yes'], { cwd: repo.dir, env });
    expect(opened.exitCode, opened.stderr).toBe(0);
    const url = `${github.url}/octo/app/pull/1`;
    expect(opened.stdout).toBe(`opened pull request #1 for ${merged}: ${url}`);
    expect(await remoteBranches(bare)).toEqual([merged, 'main'].sort());
    expect(github.pullRequests[0]).toMatchObject({ head: merged, base: 'main', title: PR_TEXT.title });
    expect(gemini.requests).toHaveLength(1);
    expect(gemini.requests[0]!.prompt).toContain('feat: agent 1 changes a.py');

    expect(JSON.parse(fs.readFileSync(run.summaryPath, 'utf8')).pullRequests).toEqual([{ branch: merged, url, number: 1 }]);
    const shown = await runCli(['show', run.id], { cwd: repo.dir, env });
    expect(shown.stdout).toContain(`pull request #1 ${url} (${merged})`);

    // Again: the open pull request is named, nothing new is opened.
    const again = await runCli(['pr', '--yes'], { cwd: repo.dir, env });
    expectOneLineError(again, 1, new RegExp(`^error: a pull request is already open for ${merged}: ${url} \\(nothing pushed`));
    expect(github.pullRequests).toHaveLength(1);

    // The token is in no file: not the data folder (history, worktrees), the logs, the summary, or git's config.
    expect(filesHolding(dataDir, TOKEN)).toEqual([]);
    expect(filesHolding(path.join(repo.dir, '.git'), TOKEN)).toEqual([]);
    expect(filesHolding(path.join(repo.dir, '.aider_logs'), TOKEN)).toEqual([]);
  });

  it('opens one pull request per succeeded agent with --per-agent', async () => {
    const { repo, bare, run, github, env } = await setup();
    const result = await runCli(['pr', run.id, '--per-agent', '--yes'], { cwd: repo.dir, env });
    expect(result.exitCode, result.stderr).toBe(0);
    const branch = (n: number) => `aider-orchestrator/${run.id}/agent-${n}`;
    expect(result.stdout.trim().split('\n')).toEqual([
      `opened pull request #1 for ${branch(1)}: ${github.url}/octo/app/pull/1`,
      `opened pull request #2 for ${branch(2)}: ${github.url}/octo/app/pull/2`,
    ]);
    expect(await remoteBranches(bare)).toEqual([branch(1), branch(2), 'main'].sort());
  });

  it('says in one line what is missing: a token (a tracked .env is not read), a valid token, the remote', async () => {
    const { repo, bare, run, github, env } = await setup();
    const noToken = { ...env, GITHUB_TOKEN: undefined };
    // The repository's own tracked .env is data: its token is never used.
    fs.writeFileSync(path.join(repo.dir, '.env'), `GITHUB_TOKEN=${TOKEN}\n`);
    await repo.git('add', '.env');
    await repo.git('commit', '-qm', 'a tracked .env');
    expectOneLineError(
      await runCli(['pr', run.id, '--per-agent', '--yes'], { cwd: repo.dir, env: noToken }),
      2,
      /^error: no GitHub token to open the pull request with: set GITHUB_TOKEN in the environment or your own untracked \.env/,
    );
    expectOneLineError(
      await runCli(['pr', run.id, '--per-agent', '--yes'], {
        cwd: repo.dir,
        env: { ...env, GITHUB_TOKEN: 'ghp_refusedToken0123456789abcdefghijklmnop' },
      }),
      2,
      /^error: GitHub refused the token in GITHUB_TOKEN \(401 Bad credentials\): set GITHUB_TOKEN to a valid token$/,
    );
    expectOneLineError(
      await runCli(['pr', run.id, '--per-agent', '--yes', '--remote', 'upstream'], { cwd: repo.dir, env }),
      2,
      /^error: no remote named upstream in .* \(its remotes: origin\): pass --remote <name>, or add one with git remote add upstream <url>$/,
    );
    expect(await remoteBranches(bare)).toEqual(['main']);
    expect(github.pullRequests).toEqual([]);

    // The user's own untracked .env (in the folder they run from) gives the token.
    const elsewhere = makeTempDir('ao-cwd-');
    cleanUp(elsewhere.cleanup);
    fs.writeFileSync(path.join(elsewhere.dir, '.env'), `GITHUB_TOKEN=${TOKEN}\n`);
    const fromDotEnv = await runCli(['pr', run.id, '--per-agent', '--yes'], { cwd: elsewhere.dir, env: noToken });
    expect(fromDotEnv.exitCode, fromDotEnv.stderr).toBe(0);
    expect(github.pullRequests).toHaveLength(2);
  });
});
