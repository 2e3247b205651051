import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import { credentialEnv, pushBranch } from '../../../src/git/push.js';
import { createGeminiClient } from '../../../src/llm/geminiClient.js';
import { Redactor } from '../../../src/logs/redact.js';
import { RunHistory } from '../../../src/orchestrator/history.js';
import { mergeRun } from '../../../src/orchestrator/merge.js';
import {
  describePlan,
  openPullRequests,
  planPullRequests,
  pullRequestsOf,
  recordPullRequests,
  type OpenPullRequestsOptions,
} from '../../../src/orchestrator/pullRequest.js';
import { runToShip } from '../../../src/cli/commands/pr.js';
import { addBareRemote, recordFinishedRun, type FinishedAgent } from '../../support/finishedRun.js';
import { startGeminiServer, type GeminiScript, type GeminiServer } from '../../support/geminiServer.js';
import { startGithubServer, type GithubServer, type GithubStandInOptions } from '../../support/githubServer.js';
import { makeTempDir, makeTempRepo, type TempRepo } from '../../support/gitRepo.js';
import { cleanUp } from '../../support/cleanUp.js';

const TOKEN = 'ghp_standInToken0123456789abcdefghijklmnop';
const GEMINI_KEY = 'pr-key-AIzaSyZYXWVUTSRQPONMLKJIH';

const startGithub = async (options: Partial<GithubStandInOptions> = {}): Promise<GithubServer> => {
  const server = await startGithubServer({ token: TOKEN, ...options });
  cleanUp(server.close);
  return server;
};

const startGemini = async (script: GeminiScript): Promise<GeminiServer> => {
  const server = await startGeminiServer(script);
  cleanUp(server.close);
  return server;
};

const PR_TEXT = { title: 'Change a and b', body: 'Both files change.\n\n## Agents\n\n- Agent 1: a.py\n- Agent 2: b.py' };

/** A finished run (real branches, history, summary), a bare `origin`, and the stand-ins. */
const setup = async (agents: FinishedAgent[], options: { merge?: boolean; github?: Partial<GithubStandInOptions> } = {}) => {
  const repo = await makeTempRepo({ 'a.py': 'A = 1\n', 'b.py': 'B = 2\n' });
  const home = makeTempDir('ao-pr-');
  cleanUp(repo.cleanup, home.cleanup);
  const dataDir = path.join(home.dir, 'data');
  const bare = await addBareRemote(repo, home.dir);
  const recorded = await recordFinishedRun({ repo, dataDir, agents, settings: { checkCommand: 'python -m pytest' } });
  const history = RunHistory.inDataDir(dataDir);
  cleanUp(() => history.close());
  const ship = runToShip(history.getRun(recorded.id)!, history.agentsOf(recorded.id), { checkCommand: 'python -m pytest' });
  if (options.merge !== false)
    await mergeRun({ ...ship, agents: ship.agents.map((a) => ({ id: a.id, branch: a.branch, status: a.status })) });
  const github = await startGithub(options.github);
  const env = { GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: 'octo/app', GITHUB_API_URL: github.url };
  return { repo, bare, dataDir, history, recorded, ship, github, env };
};

const options = (gemini: GeminiServer, extra: Partial<OpenPullRequestsOptions> = {}): OpenPullRequestsOptions & { lines: string[] } => {
  const lines: string[] = [];
  return {
    token: TOKEN,
    llm: createGeminiClient({ apiKey: GEMINI_KEY, baseUrl: gemini.url, timeoutMs: 10_000 }),
    model: 'gemini-2.5-flash',
    redactor: new Redactor([TOKEN, GEMINI_KEY]),
    onProgress: (line) => lines.push(line),
    github: { attempts: 3, retryDelayMs: 1 },
    modelRetry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
    lines,
    ...extra,
  };
};

const remoteBranches = async (bare: string): Promise<string[]> =>
  String((await execa('git', ['for-each-ref', '--format=%(refname:short)', 'refs/heads/'], { cwd: bare })).stdout)
    .split('\n')
    .filter(Boolean)
    .sort();

const sameCommit = async (repo: TempRepo, bare: string, branch: string) => {
  const local = (await repo.git('rev-parse', `refs/heads/${branch}`)).trim();
  const remote = String((await execa('git', ['rev-parse', `refs/heads/${branch}`], { cwd: bare })).stdout).trim();
  expect(remote).toBe(local);
};

const rejectsWith = async (promise: Promise<unknown>, pattern: RegExp, exitCode: number) => {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UserError);
  expect((error as UserError).message).toMatch(pattern);
  expect((error as UserError).exitCode).toBe(exitCode);
};

describe('a pull request for the integration branch', () => {
  it('pushes the merged branch, opens the pull request with the PRD model’s text, and records it', async () => {
    const { repo, bare, history, recorded, ship, github, env } = await setup([
      { state: 'succeeded', edit: 'a.py' },
      { state: 'succeeded', edit: 'b.py' },
    ]);
    const gemini = await startGemini([{ json: PR_TEXT }]);
    const plan = await planPullRequests(ship, { env });
    const merged = `aider-orchestrator/${recorded.id}/merged`;
    expect(plan.targets).toEqual([{ branch: merged, agents: [1, 2] }]);
    expect(describePlan(plan)).toEqual([
      `remote origin (${bare}); GitHub repository octo/app (from GITHUB_REPOSITORY) at ${github.url}`,
      `push ${merged} (agents 1, 2) and open a pull request into main`,
    ]);

    const outcomes = await openPullRequests(ship, plan, options(gemini));
    expect(outcomes).toEqual([{ branch: merged, kind: 'created', number: 1, url: `${github.url}/octo/app/pull/1` }]);
    expect(await remoteBranches(bare)).toEqual([merged, 'main'].sort());
    await sameCommit(repo, bare, merged);

    // GitHub got the model's title, its body with the run named, the branch and the base, with the token.
    const [pull] = github.pullRequests;
    expect(pull).toMatchObject({ owner: 'octo', repo: 'app', head: merged, base: 'main', title: PR_TEXT.title });
    expect(pull!.body).toContain(PR_TEXT.body);
    expect(pull!.body).toContain(`run \`${recorded.id}\``);
    expect(github.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /repos/octo/app/pulls', 'POST /repos/octo/app/pulls']);
    expect(github.requests[0]!.query.get('head')).toBe(`octo:${merged}`);
    expect(github.requests[0]!.query.get('state')).toBe('open');
    for (const request of github.requests) expect(request.headers.authorization).toBe(`token ${TOKEN}`);

    // The model read the PRD, each agent's task and commits, and the check command; never the token.
    const prompt = gemini.requests[0]!.prompt;
    expect(prompt).toContain('# PRD: change a and b');
    expect(prompt).toContain('## Agent 1: Task 1: a.py');
    expect(prompt).toContain('feat: agent 2 changes b.py');
    expect(prompt).toContain('python -m pytest');
    expect(prompt).not.toContain(TOKEN);

    const { summary, warnings } = recordPullRequests(recorded.id, pullRequestsOf(outcomes), {
      history,
      summaryPath: recorded.summaryPath,
      redactor: new Redactor([TOKEN]),
    });
    expect(warnings).toEqual([]);
    const expected = [{ branch: merged, url: `${github.url}/octo/app/pull/1`, number: 1 }];
    expect(summary?.pullRequests).toEqual(expected);
    expect(JSON.parse(fs.readFileSync(recorded.summaryPath, 'utf8')).pullRequests).toEqual(expected);
    expect(history.pullRequestsOf(recorded.id)).toEqual(expected);
  });

  it('takes only the agents the merge took, and says the merge is missing when it is', async () => {
    const { ship, env, recorded } = await setup([{ state: 'succeeded', edit: 'a.py' }, { state: 'failed' }], { merge: false });
    await rejectsWith(
      planPullRequests(ship, { env }),
      new RegExp(
        `^the integration branch aider-orchestrator/${recorded.id}/merged does not exist: run \`aider-orchestrator merge ${recorded.id}\` first`,
      ),
      2,
    );
    await mergeRun({ ...ship, agents: ship.agents.map((a) => ({ id: a.id, branch: a.branch, status: a.status })) });
    expect((await planPullRequests(ship, { env })).targets[0]!.agents).toEqual([1]);
  });

  it('falls back to a plain title and body, and says so, when the PRD model fails', async () => {
    const { ship, github, env } = await setup([{ state: 'succeeded', edit: 'a.py' }]);
    const gemini = await startGemini([{ error: 400, message: 'model is not supported' }]);
    const opts = options(gemini);
    const outcomes = await openPullRequests(ship, await planPullRequests(ship, { env }), opts);
    expect(outcomes[0]!.kind).toBe('created');
    expect(
      opts.lines.some((line) =>
        /^the PRD model gemini-2\.5-flash could not write the pull request text \(.*\); using a plain title and body$/.test(line),
      ),
    ).toBe(true);
    expect(github.pullRequests[0]!.title).toBe('Change a and b');
    expect(github.pullRequests[0]!.body).toMatch(
      /## Agents\n\n- \*\*Agent 1: Task 1: a\.py\*\* \(succeeded\) — a\.py\n {2}- [0-9a-f]{7} feat: agent 1 changes a\.py/,
    );
  });
});

describe('pull requests per agent', () => {
  it("pushes each succeeded agent's branch with commits and opens one pull request each", async () => {
    const { repo, bare, ship, github, env, recorded } = await setup([
      { state: 'succeeded', edit: 'a.py' },
      { state: 'failed', edit: 'b.py' },
      { state: 'succeeded' },
      { state: 'succeeded', edit: 'b.py' },
    ]);
    const gemini = await startGemini((request) => ({
      json: { title: `Agent part: ${/Agent (\d+):/.exec(request.prompt)?.[1]}`, body: 'One part.' },
    }));
    const plan = await planPullRequests(ship, { env, perAgent: true });
    const branch = (n: number) => `aider-orchestrator/${recorded.id}/agent-${n}`;
    expect(plan.targets).toEqual([
      { branch: branch(1), agents: [1] },
      { branch: branch(4), agents: [4] },
    ]);
    expect(plan.notes).toEqual([`agent 3: no commits on ${branch(3)}; left out`]);
    const outcomes = await openPullRequests(ship, plan, options(gemini));
    expect(outcomes.map((o) => o.kind)).toEqual(['created', 'created']);
    expect(await remoteBranches(bare)).toEqual([branch(1), branch(4), 'main'].sort());
    await sameCommit(repo, bare, branch(4));
    expect(github.pullRequests.map((p) => [p.head, p.title])).toEqual([
      [branch(1), 'Agent part: 1'],
      [branch(4), 'Agent part: 4'],
    ]);
  });
});

describe('what stops a pull request', () => {
  it('prints the URL of a pull request already open for the branch, and pushes nothing', async () => {
    const { bare, ship, github, env, recorded } = await setup([{ state: 'succeeded', edit: 'a.py' }]);
    const merged = `aider-orchestrator/${recorded.id}/merged`;
    const open = github.addPullRequest({ owner: 'octo', repo: 'app', head: merged, base: 'main', title: 'Earlier' });
    const gemini = await startGemini([{ json: PR_TEXT }]);
    const outcomes = await openPullRequests(ship, await planPullRequests(ship, { env }), options(gemini));
    expect(outcomes).toEqual([{ branch: merged, kind: 'exists', number: open.number, url: github.htmlUrl(open), pushed: false }]);
    expect(await remoteBranches(bare)).toEqual(['main']);
    expect(gemini.requests).toHaveLength(0);
  });

  it('treats GitHub’s 422 "already exists" on opening like an open one, naming it', async () => {
    const { ship, github, env, recorded } = await setup([{ state: 'succeeded', edit: 'a.py' }], {
      // Another tool opens one between the look-up and the POST.
      github: {
        fault: (request) => {
          if (request.method !== 'POST') return undefined;
          github.addPullRequest({
            owner: 'octo',
            repo: 'app',
            head: String((request.body as { head: string }).head),
            base: 'main',
            title: 'Raced',
          });
          return { status: 422, alreadyExists: true };
        },
      },
    });
    const gemini = await startGemini([{ json: PR_TEXT }]);
    const outcomes = await openPullRequests(ship, await planPullRequests(ship, { env }), options(gemini));
    expect(outcomes).toEqual([
      { branch: `aider-orchestrator/${recorded.id}/merged`, kind: 'exists', number: 1, url: `${github.url}/octo/app/pull/1`, pushed: true },
    ]);
  });

  it('refuses a missing token, a missing remote and an unknown repository before anything is pushed', async () => {
    const { ship, env } = await setup([{ state: 'succeeded', edit: 'a.py' }]);
    await rejectsWith(
      planPullRequests(ship, { env: { ...env, GITHUB_TOKEN: ' ' } }),
      /^no GitHub token to open the pull request with: set GITHUB_TOKEN/,
      2,
    );
    await rejectsWith(
      planPullRequests(ship, { env, remote: 'upstream' }),
      /^no remote named upstream in .* \(its remotes: origin\): pass --remote <name>, or add one with git remote add upstream <url>$/,
      2,
    );
    await rejectsWith(
      planPullRequests(ship, { env: { ...env, GITHUB_REPOSITORY: undefined } }),
      /^cannot tell the GitHub repository of the remote origin \(.*remote\.git names no github\.com\/<owner>\/<name>\): set GITHUB_REPOSITORY=<owner>\/<name>/,
      2,
    );
    await rejectsWith(
      planPullRequests({ ...ship, baseBranch: undefined }, { env }),
      /did not record the branch it started from .*: pass --base <branch>$/,
      2,
    );
  });

  it('stops at a refused token (401) before pushing', async () => {
    const { bare, ship, env } = await setup([{ state: 'succeeded', edit: 'a.py' }]);
    const gemini = await startGemini([{ json: PR_TEXT }]);
    const plan = await planPullRequests(ship, { env });
    await rejectsWith(
      openPullRequests(ship, plan, { ...options(gemini), token: 'ghp_wrongToken0123456789abcdefghijklmnopq' }),
      /^GitHub refused the token in GITHUB_TOKEN \(401 Bad credentials\): set GITHUB_TOKEN to a valid token$/,
      2,
    );
    expect(await remoteBranches(bare)).toEqual(['main']);
  });

  it('retries GitHub’s server errors, then names them in one line', async () => {
    const { ship, github, env } = await setup([{ state: 'succeeded', edit: 'a.py' }], { github: { fault: () => ({ status: 500 }) } });
    const gemini = await startGemini([{ json: PR_TEXT }]);
    await rejectsWith(
      openPullRequests(ship, await planPullRequests(ship, { env }), options(gemini)),
      new RegExp(
        `^GitHub's API at ${github.url} still failing after 3 attempts while looking for an open pull request of .* \\(500 Server Error\\): try again later$`,
      ),
      1,
    );
    expect(github.requests).toHaveLength(3);
  });

  it('reports a push the remote rejects with git’s reason, and opens nothing', async () => {
    const { bare, ship, github, env } = await setup([{ state: 'succeeded', edit: 'a.py' }]);
    const hook = path.join(bare, 'hooks', 'pre-receive');
    fs.writeFileSync(hook, '#!/bin/sh\necho "pushes to this remote need a review"\nexit 1\n', { mode: 0o755 });
    const gemini = await startGemini([{ json: PR_TEXT }]);
    const outcomes = await openPullRequests(ship, await planPullRequests(ship, { env }), options(gemini));
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ kind: 'failed', exitCode: 1 });
    expect(outcomes[0]!.kind === 'failed' && outcomes[0]!.reason).toMatch(
      /^the push of aider-orchestrator\/.*\/merged to origin \(.*remote\.git\) was rejected \(pre-receive hook declined: pushes to this remote need a review\): /,
    );
    expect(github.pullRequests).toEqual([]);
  });
});

describe('the token and git', () => {
  it('reaches git only through the environment of the push, for the GitHub host alone', async () => {
    const repo = await makeTempRepo({ 'a.py': 'A = 1\n' });
    const home = makeTempDir('ao-pr-');
    cleanUp(repo.cleanup, home.cleanup);
    const env = credentialEnv({ scope: 'https://github.com/', token: TOKEN });
    const header = (url: string) =>
      execa('git', ['config', '--get-urlmatch', 'http.extraHeader', url], { cwd: repo.dir, env, reject: false }).then((r) =>
        String(r.stdout),
      );
    expect(await header('https://github.com/octo/app.git')).toBe(
      `Authorization: Basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}`,
    );
    expect(await header('https://gitlab.com/octo/app.git')).toBe('');
    // A push with the credential leaves no trace of it in the repository's config.
    await addBareRemote(repo, home.dir);
    await repo.git('branch', 'feature');
    await pushBranch({ root: repo.dir, remote: 'origin', branch: 'feature', credential: { scope: 'https://github.com/', token: TOKEN } });
    const config = fs.readFileSync(path.join(repo.dir, '.git', 'config'), 'utf8');
    expect(config).not.toContain(TOKEN);
    expect(config).not.toContain(Buffer.from(`x-access-token:${TOKEN}`).toString('base64'));
  });
});
