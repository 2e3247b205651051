import { UserError } from '../errors.js';
import { maskUrl } from '../git/repo.js';

/** A GitHub repository and the REST API that serves it. */
export interface GithubRepository {
  owner: string;
  name: string;
  /** The REST API's root: `https://api.github.com`, `https://<host>/api/v3`, or GITHUB_API_URL. */
  apiUrl: string;
  /**
   * The `https://<host>/` a push may send the token to: the remote's own GitHub host, when the
   * repository was read from an https remote URL. Undefined otherwise (ssh, a local path, or a
   * repository named by GITHUB_REPOSITORY: git gets no token then).
   */
  pushScope: string | undefined;
  /** Where the repository was read from, for the confirmation and messages. */
  source: 'remote' | 'GITHUB_REPOSITORY';
}

const DEFAULT_API_URL = 'https://api.github.com';

/** A name GitHub allows for an owner or a repository (and never a path: no `/`, not `.` or `..`). */
const NAME = /^(?!\.\.?$)[\w.-]+$/;

/** A git remote URL taken apart: its scheme (`scp` for `git@host:owner/name`), host and path. */
interface RemoteParts {
  scheme: string;
  host: string;
  path: string;
}

const remoteParts = (url: string): RemoteParts | undefined => {
  const withScheme = /^([a-z][\w+.-]*):\/\/(?:[^@/\s]*@)?([^/:\s]+)(?::\d+)?\/(.+)$/i.exec(url);
  if (withScheme) return { scheme: withScheme[1]!.toLowerCase(), host: withScheme[2]!.toLowerCase(), path: withScheme[3]! };
  // scp-like syntax: `[user@]host:path`, the path not starting with `/`; a one-letter host is a Windows drive.
  const scp = /^(?:[^@/\s]+@)?([^/:\s]{2,}):(?!\/)(.+)$/.exec(url);
  if (scp) return { scheme: 'scp', host: scp[1]!.toLowerCase(), path: scp[2]! };
  return undefined;
};

const hostOf = (url: string | undefined): string | undefined => {
  if (!url) return undefined;
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
};

/**
 * The GitHub API's root from GITHUB_API_URL (GitHub Actions' own variable), checked; undefined when
 * it is not set.
 */
const apiUrlFromEnv = (env: NodeJS.ProcessEnv): string | undefined => {
  const raw = env.GITHUB_API_URL?.trim();
  if (!raw) return undefined;
  if (!/^https?:\/\/[^/\s]+/i.test(raw) || !hostOf(raw)) {
    throw new UserError(
      `GITHUB_API_URL=${raw} is not an http(s) URL: set it to the REST API's root, e.g. https://github.example.com/api/v3`,
    );
  }
  return raw.replace(/\/+$/, '');
};

/**
 * Whether `host` serves GitHub: github.com, a host whose name says GitHub (github.example.com),
 * or the host GITHUB_API_URL or GITHUB_SERVER_URL name (a GitHub Enterprise server by any name).
 */
const isGithubHost = (host: string, env: NodeJS.ProcessEnv): boolean => {
  if (host === 'github.com' || host === 'www.github.com') return true;
  if (host.split('.').some((label) => label === 'github' || label.startsWith('github-'))) return true;
  const apiHost = hostOf(env.GITHUB_API_URL?.trim())?.replace(/^api\./, '');
  return host === apiHost || host === hostOf(env.GITHUB_SERVER_URL?.trim());
};

/**
 * The GitHub repository a remote URL names (`https://github.com/o/r.git`, `git@github.com:o/r.git`,
 * `ssh://git@github.com/o/r`, or the same on a GitHub Enterprise host), or undefined.
 */
export const repositoryFromRemoteUrl = (url: string, env: NodeJS.ProcessEnv): GithubRepository | undefined => {
  const parts = remoteParts(url.trim());
  if (!parts || !['https', 'http', 'ssh', 'git', 'scp'].includes(parts.scheme) || !isGithubHost(parts.host, env)) return undefined;
  const segments = parts.path
    .replace(/\/+$/, '')
    .replace(/\.git$/, '')
    .split('/');
  if (segments.length !== 2 || !segments.every((segment) => NAME.test(segment))) return undefined;
  const [owner, name] = segments as [string, string];
  const dotCom = parts.host === 'github.com' || parts.host === 'www.github.com';
  return {
    owner,
    name,
    apiUrl: apiUrlFromEnv(env) ?? (dotCom ? DEFAULT_API_URL : `https://${parts.host}/api/v3`),
    pushScope: parts.scheme === 'https' ? `https://${parts.host}/` : undefined,
    source: 'remote',
  };
};

/**
 * The repository pull requests are opened in: read from the remote's URL, else from
 * GITHUB_REPOSITORY=<owner>/<name>; the API's root from GITHUB_API_URL where set.
 */
export const resolveGithubRepository = (options: { remote: string; remoteUrl: string; env: NodeJS.ProcessEnv }): GithubRepository => {
  const fromUrl = repositoryFromRemoteUrl(options.remoteUrl, options.env);
  if (fromUrl) return fromUrl;
  const named = options.env.GITHUB_REPOSITORY?.trim();
  if (!named) {
    throw new UserError(
      `cannot tell the GitHub repository of the remote ${options.remote} (${maskUrl(options.remoteUrl)} names no github.com/<owner>/<name>): set GITHUB_REPOSITORY=<owner>/<name> (and GITHUB_API_URL for GitHub Enterprise)`,
    );
  }
  const [owner, name, ...rest] = named.split('/');
  if (!owner || !name || rest.length > 0 || !NAME.test(owner) || !NAME.test(name)) {
    throw new UserError(`GITHUB_REPOSITORY=${named} is not <owner>/<name>: set it like octo-org/octo-repo`);
  }
  return { owner, name, apiUrl: apiUrlFromEnv(options.env) ?? DEFAULT_API_URL, pushScope: undefined, source: 'GITHUB_REPOSITORY' };
};
