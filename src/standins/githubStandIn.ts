import http from 'node:http';
import { listenOnLoopback, readJsonBody } from './loopback.js';

/**
 * A stand-in for the part of GitHub's REST API that opens pull requests, speaking its real shapes:
 * `GET /repos/{owner}/{repo}/pulls?head=<owner>:<branch>&state=open` (a JSON list) and
 * `POST /repos/{owner}/{repo}/pulls` (201 with the pull request; 422 "A pull request already
 * exists for <owner>:<branch>." when the branch has an open one). Every request must carry
 * `authorization: token <token>` (or `Bearer`); anything else is GitHub's 401 "Bad credentials".
 * Binds 127.0.0.1:0; give `url` to the client as the API's root (GITHUB_API_URL).
 */

/** A scripted failure in GitHub's error shape (`{message, documentation_url, status}`). */
export interface GithubFault {
  status: number;
  message?: string;
  /** 422 only: GitHub's `errors` list entry for a pull request that already exists. */
  alreadyExists?: boolean;
}

export interface RecordedGithubRequest {
  method: string;
  /** The path without the query string. */
  path: string;
  query: URLSearchParams;
  /** Lower-cased header names. */
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

/** A pull request as the stand-in keeps it (the fields GitHub's answer is built from). */
export interface StoredPullRequest {
  number: number;
  owner: string;
  repo: string;
  head: string;
  base: string;
  title: string;
  body: string;
  state: 'open' | 'closed';
}

export interface GithubStandInOptions {
  /** The one token it accepts. */
  token: string;
  /** A failure to answer instead, chosen per request (`index` counts every request, from 0). */
  fault?(request: RecordedGithubRequest, index: number): GithubFault | undefined;
}

export interface GithubServer {
  /** The API's root, e.g. `http://127.0.0.1:40123` (GITHUB_API_URL). */
  url: string;
  requests: RecordedGithubRequest[];
  pullRequests: StoredPullRequest[];
  /** A pull request that is open already (another tool, or an earlier run, opened it). */
  addPullRequest(
    pull: Omit<StoredPullRequest, 'number' | 'state' | 'body'> & { body?: string; state?: 'open' | 'closed' },
  ): StoredPullRequest;
  /** The page of a pull request, as `html_url` gives it. */
  htmlUrl(pull: Pick<StoredPullRequest, 'owner' | 'repo' | 'number'>): string;
  close(): Promise<void>;
}

const PULLS_PATH = /^\/repos\/([^/]+)\/([^/]+)\/pulls\/?$/;

const DOCS = 'https://docs.github.com/rest/pulls/pulls';

const REASONS: Record<number, string> = {
  401: 'Bad credentials',
  403: 'Resource not accessible by personal access token',
  404: 'Not Found',
  422: 'Validation Failed',
  500: 'Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

const send = (response: http.ServerResponse, status: number, body: unknown): void => {
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'x-github-media-type': 'github.v3; format=json',
    'x-ratelimit-limit': '5000',
    'x-ratelimit-remaining': '4999',
  });
  response.end(JSON.stringify(body));
};

const sendFault = (response: http.ServerResponse, fault: GithubFault, head?: string): void => {
  const body: Record<string, unknown> = {
    message: fault.message ?? REASONS[fault.status] ?? 'Error',
    documentation_url: DOCS,
    status: String(fault.status),
  };
  if (fault.alreadyExists) {
    body.errors = [{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${head ?? 'that branch'}.` }];
  }
  send(response, fault.status, body);
};

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export const startGithubServer = async (options: GithubStandInOptions): Promise<GithubServer> => {
  const requests: RecordedGithubRequest[] = [];
  const pullRequests: StoredPullRequest[] = [];
  let origin = '';
  const htmlUrl = (pull: Pick<StoredPullRequest, 'owner' | 'repo' | 'number'>) =>
    `${origin}/${pull.owner}/${pull.repo}/pull/${pull.number}`;

  /** A pull request as GitHub answers it (the fields clients read, with their real names). */
  const view = (pull: StoredPullRequest) => ({
    url: `${origin}/repos/${pull.owner}/${pull.repo}/pulls/${pull.number}`,
    id: 1_000_000 + pull.number,
    node_id: `PR_stand_in_${pull.number}`,
    html_url: htmlUrl(pull),
    number: pull.number,
    state: pull.state,
    locked: false,
    title: pull.title,
    body: pull.body,
    draft: false,
    user: { login: pull.owner, id: 1, type: 'User' },
    head: { label: `${pull.owner}:${pull.head}`, ref: pull.head, sha: '0'.repeat(40), user: { login: pull.owner } },
    base: { label: `${pull.owner}:${pull.base}`, ref: pull.base, sha: '0'.repeat(40), user: { login: pull.owner } },
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
  });

  const add: GithubServer['addPullRequest'] = (pull) => {
    const stored: StoredPullRequest = { body: '', state: 'open', ...pull, number: pullRequests.length + 1 };
    pullRequests.push(stored);
    return stored;
  };

  const authorized = (headers: http.IncomingHttpHeaders): boolean => {
    const match = /^(?:token|bearer) (.+)$/i.exec(headers.authorization ?? '');
    return match?.[1] === options.token;
  };

  const server = http.createServer((request, response) => {
    void (async () => {
      const body = await readJsonBody(request);
      const url = new URL(request.url ?? '/', 'http://stand-in');
      const recorded: RecordedGithubRequest = {
        method: request.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: request.headers,
        body,
      };
      const index = requests.length;
      requests.push(recorded);
      const match = PULLS_PATH.exec(url.pathname);
      const head = isRecord(body) && typeof body.head === 'string' ? body.head : undefined;
      const fault = options.fault?.(recorded, index);
      if (fault) {
        sendFault(response, fault, match ? `${match[1]}:${head}` : undefined);
        return;
      }
      if (!authorized(request.headers)) {
        sendFault(response, { status: 401 });
        return;
      }
      if (!match) {
        sendFault(response, { status: 404 });
        return;
      }
      const [, owner, repo] = match as unknown as [string, string, string];
      const mine = pullRequests.filter((pull) => pull.owner === owner && pull.repo === repo);
      if (recorded.method === 'GET') {
        const wantedHead = url.searchParams.get('head');
        const state = url.searchParams.get('state') ?? 'open';
        const found = mine.filter(
          (pull) => (state === 'all' || pull.state === state) && (!wantedHead || `${pull.owner}:${pull.head}` === wantedHead),
        );
        send(response, 200, found.map(view));
        return;
      }
      if (recorded.method === 'POST') {
        if (!isRecord(body) || typeof body.title !== 'string' || !head || typeof body.base !== 'string') {
          sendFault(response, { status: 422, message: 'Invalid request.\n\n"title", "head" and "base" are required.' });
          return;
        }
        if (mine.some((pull) => pull.state === 'open' && pull.head === head)) {
          sendFault(response, { status: 422, alreadyExists: true }, `${owner}:${head}`);
          return;
        }
        const created = add({
          owner,
          repo,
          head,
          base: body.base,
          title: body.title,
          body: typeof body.body === 'string' ? body.body : '',
        });
        send(response, 201, view(created));
        return;
      }
      sendFault(response, { status: 404 });
    })().catch((error: unknown) => {
      if (!response.headersSent) sendFault(response, { status: 500, message: String(error) });
    });
  });

  const listening = await listenOnLoopback(server);
  origin = `http://127.0.0.1:${listening.port}`;
  return { url: origin, requests, pullRequests, addPullRequest: add, htmlUrl, close: listening.close };
};
