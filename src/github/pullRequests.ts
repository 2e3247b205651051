import { Octokit } from '@octokit/core';
import { UserError } from '../errors.js';
import type { GithubRepository } from './repository.js';

/** A pull request as the app keeps it. */
export interface PullRequestRef {
  number: number;
  /** The page a person opens (`html_url`). */
  url: string;
}

export interface NewPullRequest {
  /** The branch with the work (in the same repository). */
  head: string;
  /** The branch it goes into. */
  base: string;
  title: string;
  body: string;
}

export type CreateOutcome = { kind: 'created'; pullRequest: PullRequestRef } | { kind: 'exists'; pullRequest: PullRequestRef | undefined };

export interface GithubClientOptions {
  repository: GithubRepository;
  token: string;
  /** Attempts per call for server errors and network failures (default 3). */
  attempts?: number;
  /** The first retry's wait; doubled each time (default 1s). */
  retryDelayMs?: number;
  /** Per request (default 30s). */
  timeoutMs?: number;
  /** Octokit's own notices (a deprecated endpoint), one line each. */
  warn?(message: string): void;
}

/** The parts of an Octokit RequestError the app reads (the class itself is not a dependency of ours). */
interface HttpFailure {
  status: number;
  message: string;
  response?: { data?: unknown; headers?: Record<string, string | undefined> } | undefined;
}

const isHttpFailure = (error: unknown): error is HttpFailure =>
  typeof error === 'object' && error !== null && typeof (error as { status?: unknown }).status === 'number';

/** GitHub's own message (`Bad credentials`, `Validation Failed: A pull request already exists for o:b.`), one line. */
const githubMessage = (failure: HttpFailure): string => {
  const data = failure.response?.data as { message?: unknown; errors?: unknown } | undefined;
  const main = typeof data?.message === 'string' ? data.message : failure.message.replace(/ - https?:\/\/\S+$/, '');
  const details = Array.isArray(data?.errors)
    ? data.errors
        .map((item: unknown) => (typeof item === 'string' ? item : (item as { message?: unknown })?.message))
        .filter((text): text is string => typeof text === 'string' && text.length > 0)
    : [];
  return [main, ...details].join(': ').replace(/\s+/g, ' ').trim() || `HTTP ${failure.status}`;
};

/** Worth another attempt: a server error or no answer at all (network, timeout). */
const isRetryable = (error: unknown): boolean =>
  !isHttpFailure(error) || error.response === undefined || error.status >= 500 || error.status === 429;

const reasonOf = (error: unknown): string =>
  isHttpFailure(error) && error.response !== undefined
    ? `${error.status} ${githubMessage(error)}`
    : (error as Error).name === 'AbortError' || (error as Error).name === 'TimeoutError'
      ? 'no answer in time'
      : `network error (${(error as Error).message})`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The two calls of GitHub's REST API that open a pull request, through Octokit: find the open pull
 * request of a branch (`GET /repos/{owner}/{repo}/pulls?head=`) and open one (`POST .../pulls`).
 * Failures are one line each (UserError): the token refused or the repository not found (exit 2),
 * anything else after retries (exit 1). The token goes only into the requests' headers.
 */
export class GithubClient {
  private readonly octokit: Octokit;
  private readonly repository: GithubRepository;
  private readonly attempts: number;
  private readonly retryDelayMs: number;
  private readonly timeoutMs: number;

  constructor(options: GithubClientOptions) {
    this.repository = options.repository;
    this.attempts = options.attempts ?? 3;
    this.retryDelayMs = options.retryDelayMs ?? 1_000;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    const warn = (message: string) => options.warn?.(message);
    const quiet = () => {};
    this.octokit = new Octokit({
      auth: options.token,
      baseUrl: options.repository.apiUrl,
      userAgent: 'aider-orchestrator',
      log: { debug: quiet, info: quiet, warn, error: warn },
    });
  }

  private get slug(): string {
    return `${this.repository.owner}/${this.repository.name}`;
  }

  /** The open pull request whose head is `branch` of this repository, if any. */
  async openPullRequestFor(branch: string): Promise<PullRequestRef | undefined> {
    const { owner, name } = this.repository;
    const response = await this.call(`looking for an open pull request of ${branch}`, (signal) =>
      this.octokit.request('GET /repos/{owner}/{repo}/pulls', {
        owner,
        repo: name,
        head: `${owner}:${branch}`,
        state: 'open',
        per_page: 10,
        request: { signal },
      }),
    );
    const found = response.data.find((pull) => pull.head?.ref === branch);
    return found ? { number: found.number, url: found.html_url } : undefined;
  }

  /**
   * Opens the pull request. One GitHub refuses because the branch has one open already (422
   * "A pull request already exists") comes back as `exists`, with that one when it can be found.
   */
  async createPullRequest(request: NewPullRequest): Promise<CreateOutcome> {
    const { owner, name } = this.repository;
    try {
      const response = await this.call(
        `opening the pull request of ${request.head}`,
        (signal) =>
          this.octokit.request('POST /repos/{owner}/{repo}/pulls', {
            owner,
            repo: name,
            head: request.head,
            base: request.base,
            title: request.title,
            body: request.body,
            request: { signal },
          }),
        (failure) =>
          failure.status === 422
            ? new UserError(
                `GitHub did not open the pull request of ${request.head} into ${request.base} in ${this.slug} (422 ${githubMessage(failure)}): check that ${request.base} exists there and that ${request.head} has commits it has not`,
                1,
              )
            : undefined,
      );
      return { kind: 'created', pullRequest: { number: response.data.number, url: response.data.html_url } };
    } catch (error) {
      if (error instanceof AlreadyExists) return { kind: 'exists', pullRequest: await this.openPullRequestFor(request.head) };
      throw error;
    }
  }

  /**
   * One call with its retries. `refine` may turn a refusal into the caller's own error; a 422
   * "already exists" becomes AlreadyExists; 401/403/404 are the user's to fix (exit 2).
   */
  private async call<T>(
    what: string,
    send: (signal: AbortSignal) => Promise<T>,
    refine?: (failure: HttpFailure) => UserError | undefined,
  ): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await send(AbortSignal.timeout(this.timeoutMs));
      } catch (error) {
        if (!isRetryable(error)) {
          const failure = error as HttpFailure;
          if (failure.status === 422 && /already exists/i.test(githubMessage(failure))) throw new AlreadyExists();
          throw refine?.(failure) ?? this.refusal(what, failure);
        }
        if (attempt >= this.attempts) {
          throw new UserError(
            `GitHub's API at ${this.repository.apiUrl} still failing after ${attempt} attempt${attempt === 1 ? '' : 's'} while ${what} (${reasonOf(error)}): try again later`,
            1,
          );
        }
        await sleep(this.retryDelayMs * 2 ** (attempt - 1));
      }
    }
  }

  private refusal(what: string, failure: HttpFailure): UserError {
    const message = `${failure.status} ${githubMessage(failure)}`;
    if (failure.status === 401) {
      return new UserError(`GitHub refused the token in GITHUB_TOKEN (${message}): set GITHUB_TOKEN to a valid token`);
    }
    if (failure.status === 403) {
      return new UserError(
        `GitHub refused the token in GITHUB_TOKEN for ${this.slug} (${message}): give it access to the repository (pull requests and contents: write), or use another token`,
      );
    }
    if (failure.status === 404) {
      return new UserError(
        `GitHub has no repository ${this.slug} that the token in GITHUB_TOKEN can see (${message}): check the remote's URL or GITHUB_REPOSITORY, and the token's access`,
      );
    }
    return new UserError(`GitHub refused ${what} in ${this.slug} (${message})`, 1);
  }
}

/** POST answered 422 "A pull request already exists" (handled inside createPullRequest). */
class AlreadyExists extends Error {}
