import path from 'node:path';
import type { AgentState } from '../agents/types.js';
import { readEnvironment } from '../config/env.js';
import { UserError } from '../errors.js';
import { commitsSince } from '../git/commits.js';
import { git, GitError } from '../git/exec.js';
import { commitsAhead } from '../git/merge.js';
import { pushBranch, remotePushUrl } from '../git/push.js';
import { isTrackedByGit, maskUrl } from '../git/repo.js';
import { branchExists } from '../git/worktrees.js';
import { GithubClient, type GithubClientOptions } from '../github/pullRequests.js';
import { resolveGithubRepository, type GithubRepository } from '../github/repository.js';
import type { LlmClient } from '../llm/client.js';
import type { PullRequestAgentPart } from '../llm/prompts.js';
import { plainPullRequestText, writePullRequestText, type PullRequestText } from '../llm/pullRequestText.js';
import type { RetryPolicy } from '../llm/retry.js';
import type { Redactor } from '../logs/redact.js';
import { addPullRequestsToSummaryFile } from '../logs/summary.js';
import type { PullRequestSummary, RunSummary } from '../logs/types.js';
import type { RunHistory } from './history.js';
import { mergedBranchName } from './merge.js';

/** What opening a run's pull requests needs of it: the run history's record, or a finished run. */
export interface RunToShip {
  runId: string;
  repo: string;
  baseCommit: string;
  /** The branch the run started from: the pull requests' base. */
  baseBranch: string | undefined;
  change: string;
  prd: string;
  checkCommand: string | undefined;
  agents: readonly {
    id: number;
    branch: string;
    status: AgentState;
    reason: string | undefined;
    task: { title: string; description: string; files: readonly string[] };
  }[];
}

/** One branch to push and open a pull request for, and the agents whose work it holds. */
export interface ShipTarget {
  branch: string;
  agents: number[];
}

/** Where the pull requests go, shown to the user before anything is pushed. */
export interface PullRequestPlan {
  runId: string;
  /** The local repository the branches are pushed from. */
  repo: string;
  remote: string;
  /** The remote's push URL, credentials masked. */
  remoteUrl: string;
  repository: GithubRepository;
  base: string;
  targets: ShipTarget[];
  /** Agents left out, one line each (no commits, branch gone). */
  notes: string[];
}

export interface PullRequestRequest {
  /** Default `origin`. */
  remote?: string | undefined;
  /** Each agent's own branch instead of the integration branch. */
  perAgent?: boolean | undefined;
  /** The base branch, when the run did not record one. */
  base?: string | undefined;
  /** The environment (the user's .env merged in: pullRequestEnvironment). */
  env: NodeJS.ProcessEnv;
}

export const DEFAULT_REMOTE = 'origin';

/**
 * The environment `pr` reads GITHUB_TOKEN, GITHUB_REPOSITORY and GITHUB_API_URL from: the real
 * one over the user's own untracked .env in the repository and the current folder. A .env the
 * repository tracks is its data and is never read; nor is a clone's (it came from its remote).
 */
export const pullRequestEnvironment = async (options: {
  repo: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  dataDir: string;
}): Promise<NodeJS.ProcessEnv> => {
  const cloned = !path.relative(path.join(options.dataDir, 'repos'), options.repo).startsWith('..');
  return readEnvironment({ dirs: cloned ? [options.cwd] : [options.repo, options.cwd], env: options.env, isRepoData: isTrackedByGit });
};

/** GITHUB_TOKEN, or the one line that says how to give it. */
export const githubToken = (env: NodeJS.ProcessEnv): string => {
  const token = env.GITHUB_TOKEN?.trim();
  if (!token) {
    throw new UserError(
      'no GitHub token to open the pull request with: set GITHUB_TOKEN in the environment or your own untracked .env (a token that may write pull requests and contents)',
    );
  }
  return token;
};

/**
 * The branches `pr` pushes, in one place: the run's integration branch (holding every succeeded
 * agent's work), or with `perAgent` each succeeded agent's own branch.
 */
export const branchesToShip = (run: RunToShip, perAgent: boolean): ShipTarget[] => {
  const succeeded = run.agents.filter((agent) => agent.status === 'succeeded');
  return perAgent
    ? succeeded.map((agent) => ({ branch: agent.branch, agents: [agent.id] }))
    : [{ branch: mergedBranchName(run.runId), agents: succeeded.map((agent) => agent.id) }];
};

const isAncestor = async (repo: string, ancestor: string, of: string): Promise<boolean> =>
  git(repo, ['merge-base', '--is-ancestor', `refs/heads/${ancestor}`, `refs/heads/${of}`]).then(
    () => true,
    (error: unknown) => {
      if (error instanceof GitError) return false;
      throw error;
    },
  );

const agentList = (ids: readonly number[]): string => `agent${ids.length === 1 ? '' : 's'} ${ids.join(', ')}`;

/**
 * Everything that can be checked before anything is pushed: the token is there, the remote
 * exists and names a GitHub repository (or GITHUB_REPOSITORY does), the base is known, and the
 * branches exist with work on them. Throws one UserError line for each problem.
 */
export const planPullRequests = async (run: RunToShip, request: PullRequestRequest): Promise<PullRequestPlan> => {
  githubToken(request.env);
  const remote = request.remote ?? DEFAULT_REMOTE;
  const remoteUrl = await remotePushUrl(run.repo, remote);
  const repository = resolveGithubRepository({ remote, remoteUrl, env: request.env });
  const base = request.base ?? run.baseBranch;
  if (!base) {
    throw new UserError(
      `run ${run.runId} did not record the branch it started from (a detached HEAD, or a run from before it was kept): pass --base <branch>`,
    );
  }
  const notes: string[] = [];
  const targets: ShipTarget[] = [];
  for (const target of branchesToShip(run, request.perAgent === true)) {
    if (request.perAgent) {
      const ahead = await commitsAhead(run.repo, run.baseCommit, target.branch);
      if (ahead === undefined) notes.push(`agent ${target.agents.join(', ')}: its branch ${target.branch} is gone; left out`);
      else if (ahead === 0) notes.push(`agent ${target.agents.join(', ')}: no commits on ${target.branch}; left out`);
      else targets.push(target);
      continue;
    }
    if (!(await branchExists(run.repo, target.branch))) {
      throw new UserError(
        `the integration branch ${target.branch} does not exist: run \`aider-orchestrator merge ${run.runId}\` first (m on the summary), or pass --per-agent`,
      );
    }
    // Only the agents the merge took (a conflicting branch was left out of it).
    const merged: number[] = [];
    for (const id of target.agents) {
      const agent = run.agents.find((a) => a.id === id);
      if (agent && (await isAncestor(run.repo, agent.branch, target.branch))) merged.push(id);
    }
    targets.push({ branch: target.branch, agents: merged });
  }
  if (targets.length === 0) {
    throw new UserError(`run ${run.runId} has no succeeded agent with commits: there is nothing to open a pull request for`);
  }
  return { runId: run.runId, repo: run.repo, remote, remoteUrl: maskUrl(remoteUrl), repository, base, targets, notes };
};

/** What `pr` will do, in lines, for the question before it does it. */
export const describePlan = (plan: PullRequestPlan): string[] => {
  const { owner, name, apiUrl } = plan.repository;
  const from = plan.repository.source === 'remote' ? `from ${plan.remote}'s URL` : 'from GITHUB_REPOSITORY';
  return [
    `remote ${plan.remote} (${plan.remoteUrl}); GitHub repository ${owner}/${name} (${from}) at ${apiUrl}`,
    ...plan.targets.map(
      (target) =>
        `push ${target.branch}${target.agents.length > 0 ? ` (${agentList(target.agents)})` : ''} and open a pull request into ${plan.base}`,
    ),
    ...plan.notes,
  ];
};

/** The one-line question that asks for it. */
export const planQuestion = (plan: PullRequestPlan): string =>
  `Push ${plan.targets.length === 1 ? plan.targets[0]!.branch : `${plan.targets.length} branches`} to ${plan.remote} and open ${plan.targets.length === 1 ? 'a pull request' : 'pull requests'} in ${plan.repository.owner}/${plan.repository.name} into ${plan.base}?`;

/** What became of one branch. */
export type PullRequestOutcome =
  | { branch: string; kind: 'created'; url: string; number: number }
  /** `pushed`: the branch was pushed before GitHub said so (its open pull request has the new commits). */
  | { branch: string; kind: 'exists'; url: string; number: number; pushed: boolean }
  | { branch: string; kind: 'failed'; reason: string; exitCode: number };

export interface OpenPullRequestsOptions {
  token: string;
  /** The PRD model's client and name: it writes the title and body. */
  llm: LlmClient;
  model: string;
  /** Masks secrets in what the model and GitHub are sent. */
  redactor: Redactor;
  /** Progress and notices, one line each (a plain title used because the model failed...). */
  onProgress?(line: string): void;
  signal?: AbortSignal | undefined;
  /** Retries of GitHub's API and of the model (tests make them quick). */
  github?: Pick<GithubClientOptions, 'attempts' | 'retryDelayMs' | 'timeoutMs'>;
  modelRetry?: Partial<RetryPolicy>;
}

/** The bounded facts the model writes from, for the branch that holds `target`'s agents' work. */
const textInput = async (run: RunToShip, plan: PullRequestPlan, target: ShipTarget) => {
  const agents: PullRequestAgentPart[] = [];
  for (const id of target.agents) {
    const agent = run.agents.find((a) => a.id === id);
    if (!agent) continue;
    const commits = (await branchExists(run.repo, agent.branch))
      ? await commitsSince(run.repo, run.baseCommit, `refs/heads/${agent.branch}`)
      : [];
    agents.push({
      id,
      title: agent.task.title,
      description: agent.task.description,
      files: [...agent.task.files],
      status: agent.status,
      reason: agent.reason,
      commits: commits.map((commit) => `${commit.hash.slice(0, 7)} ${commit.message}`),
    });
  }
  return { change: run.change, prd: run.prd, head: target.branch, base: plan.base, agents, checkCommand: run.checkCommand };
};

/** The model's title and body, or a plain one (and a line saying why) when the model fails. */
const pullRequestText = async (
  run: RunToShip,
  plan: PullRequestPlan,
  target: ShipTarget,
  options: OpenPullRequestsOptions,
): Promise<PullRequestText> => {
  const input = await textInput(run, plan, target);
  const masked = {
    ...input,
    change: options.redactor.redact(input.change),
    prd: options.redactor.redact(input.prd),
  };
  let text: PullRequestText;
  try {
    text = await writePullRequestText(options.llm, {
      model: options.model,
      input: masked,
      signal: options.signal,
      retry: options.modelRetry,
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    const reason = error instanceof UserError ? error.message : `unexpected error: ${(error as Error).message}`;
    options.onProgress?.(`the PRD model ${options.model} could not write the pull request text (${reason}); using a plain title and body`);
    text = plainPullRequestText(masked);
  }
  const footer = `\n\n---\nOpened by aider-orchestrator from run \`${run.runId}\`.`;
  return { title: options.redactor.redact(text.title), body: options.redactor.redact(`${text.body}${footer}`) };
};

/**
 * Opens the plan's pull requests: first asks GitHub which branches have one open already (which
 * also proves the token before anything is pushed; a refused token ends it here), then for each
 * other branch pushes it, has the PRD model write the title and body, and opens the pull request.
 * A branch that fails (push rejected, GitHub's refusal) is reported and the others go on.
 */
export const openPullRequests = async (
  run: RunToShip,
  plan: PullRequestPlan,
  options: OpenPullRequestsOptions,
): Promise<PullRequestOutcome[]> => {
  const client = new GithubClient({
    repository: plan.repository,
    token: options.token,
    ...options.github,
    warn: (message) => options.onProgress?.(options.redactor.redact(message)),
  });
  const open = new Map<string, { number: number; url: string } | undefined>();
  for (const target of plan.targets) open.set(target.branch, await client.openPullRequestFor(target.branch));

  const outcomes: PullRequestOutcome[] = [];
  for (const target of plan.targets) {
    const existing = open.get(target.branch);
    if (existing) {
      outcomes.push({ branch: target.branch, kind: 'exists', ...existing, pushed: false });
      continue;
    }
    try {
      options.onProgress?.(`pushing ${target.branch} to ${plan.remote}`);
      await pushBranch({
        root: plan.repo,
        remote: plan.remote,
        branch: target.branch,
        credential: plan.repository.pushScope ? { scope: plan.repository.pushScope, token: options.token } : undefined,
      });
      options.onProgress?.(`writing the pull request of ${target.branch} with ${options.model}`);
      const text = await pullRequestText(run, plan, target, options);
      const result = await client.createPullRequest({ head: target.branch, base: plan.base, ...text });
      if (result.kind === 'created') outcomes.push({ branch: target.branch, kind: 'created', ...result.pullRequest });
      else if (result.pullRequest) outcomes.push({ branch: target.branch, kind: 'exists', ...result.pullRequest, pushed: true });
      else
        outcomes.push({
          branch: target.branch,
          kind: 'failed',
          reason: `GitHub says a pull request of ${target.branch} exists already, but none is open: look at ${plan.repository.owner}/${plan.repository.name}'s pull requests`,
          exitCode: 1,
        });
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      outcomes.push({ branch: target.branch, kind: 'failed', reason: options.redactor.redact(error.message), exitCode: error.exitCode });
    }
  }
  return outcomes;
};

/** The outcomes in lines: a URL for each pull request, the reason for each failure. */
export const describeOutcomes = (outcomes: readonly PullRequestOutcome[]): string[] =>
  outcomes.map((outcome) =>
    outcome.kind === 'created'
      ? `opened pull request #${outcome.number} for ${outcome.branch}: ${outcome.url}`
      : outcome.kind === 'exists'
        ? `a pull request is already open for ${outcome.branch}: ${outcome.url} (${outcome.pushed ? 'the branch was pushed to it' : 'nothing pushed: push the branch yourself to update it'})`
        : outcome.reason,
  );

/** 0 when every branch got a new pull request, 2 when a failure is the user's to fix, else 1. */
export const outcomesExitCode = (outcomes: readonly PullRequestOutcome[]): number =>
  outcomes.reduce((code, outcome) => Math.max(code, outcome.kind === 'created' ? 0 : outcome.kind === 'exists' ? 1 : outcome.exitCode), 0);

/** The pull requests among the outcomes (new and already open), as the summary and the history keep them. */
export const pullRequestsOf = (outcomes: readonly PullRequestOutcome[]): PullRequestSummary[] =>
  outcomes.flatMap((outcome) => (outcome.kind === 'failed' ? [] : [{ branch: outcome.branch, url: outcome.url, number: outcome.number }]));

/**
 * Keeps the pull requests in the run history and in the run's summary file (when it is there and
 * is this run's). Returns the updated summary, if the file was, and notices for what could not be written.
 */
export const recordPullRequests = (
  runId: string,
  pullRequests: readonly PullRequestSummary[],
  where: { history: RunHistory | undefined; summaryPath: string | undefined; redactor: Redactor },
): { summary: RunSummary | undefined; warnings: string[] } => {
  const warnings: string[] = [];
  if (pullRequests.length === 0) return { summary: undefined, warnings };
  try {
    for (const pr of pullRequests) where.history?.recordPullRequest(runId, pr);
  } catch (error) {
    warnings.push(`cannot write the pull requests into the run history (${(error as Error).message})`);
  }
  if (!where.summaryPath) return { summary: undefined, warnings };
  const written = addPullRequestsToSummaryFile(where.summaryPath, runId, pullRequests, where.redactor);
  if ('problem' in written) {
    warnings.push(`cannot add the pull requests to the summary ${where.summaryPath} (${written.problem}); the run history has them`);
    return { summary: undefined, warnings };
  }
  return { summary: written.summary, warnings };
};
