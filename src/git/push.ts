import { UserError } from '../errors.js';
import { git, GitError } from './exec.js';
import { maskUrl, maskUrlsIn } from './repo.js';

/** A remote name git accepts (and never an option: `-x` would be read as one). */
const REMOTE_NAME = /^[\w][\w.-]*$/;

/**
 * The URL `git push <remote>` uses (its `pushurl` when one is set). One line naming the remotes
 * there are when `remote` is not one of them.
 */
export const remotePushUrl = async (root: string, remote: string): Promise<string> => {
  const remotes = (await git(root, ['remote'])).split('\n').filter(Boolean);
  if (!REMOTE_NAME.test(remote) || !remotes.includes(remote)) {
    throw new UserError(
      `no remote named ${remote} in ${root} (${remotes.length > 0 ? `its remotes: ${remotes.join(', ')}` : 'it has none'}): pass --remote <name>, or add one with git remote add ${REMOTE_NAME.test(remote) ? remote : 'origin'} <url>`,
    );
  }
  return (await git(root, ['remote', 'get-url', '--push', remote])).trim();
};

/**
 * A token for one push over https, given to git through its environment (GIT_CONFIG_COUNT), so
 * it is never in a command line other users can read, in the remote's URL or in any config file.
 */
export interface PushCredential {
  /** The URL prefix the header is sent to (`https://github.com/`): no other host ever gets it. */
  scope: string;
  token: string;
}

/** The environment that gives git the token for that one command, as GitHub's own checkout action does. */
export const credentialEnv = (credential: PushCredential): Record<string, string> => ({
  GIT_CONFIG_COUNT: '1',
  GIT_CONFIG_KEY_0: `http.${credential.scope}.extraHeader`,
  GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from(`x-access-token:${credential.token}`).toString('base64')}`,
});

/** git's own line for a ref the remote refused: ` ! [rejected]        b -> b (non-fast-forward)`. */
const REJECTED_LINE = /^\s*!\s+\[(?:remote )?rejected\]\s+\S+\s+->\s+\S+\s+\((.+)\)\s*$/m;

/** Why a push failed, in git's words: the refused ref's reason, else git's last error line. */
export const pushFailure = (stderr: string): { rejected: boolean; reason: string } => {
  const rejected = REJECTED_LINE.exec(stderr);
  if (rejected) {
    // A hook's own explanation (`remote: ...`) says more than "pre-receive hook declined".
    const said = stderr
      .split('\n')
      .filter((line) => /^remote: \S/.test(line))
      .map((line) => line.slice('remote: '.length).trim())
      .at(-1);
    return { rejected: true, reason: maskUrlsIn(said ? `${rejected[1]}: ${said}` : rejected[1]!) };
  }
  const last = stderr
    .trim()
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('hint:'))
    .at(-1);
  return { rejected: false, reason: maskUrlsIn((last ?? 'no message').replace(/^(fatal|error): /, '')) };
};

/**
 * Pushes `branch` to the branch of the same name on `remote` (never forced). A refused push is one
 * line with git's reason (exit 1: the work did not reach the remote).
 */
export const pushBranch = async (options: {
  root: string;
  remote: string;
  branch: string;
  credential?: PushCredential | undefined;
}): Promise<void> => {
  const { root, remote, branch } = options;
  try {
    await git(root, ['push', '--quiet', remote, `refs/heads/${branch}:refs/heads/${branch}`], {
      env: options.credential ? credentialEnv(options.credential) : undefined,
    });
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    const failure = pushFailure(error.stderr);
    const url = maskUrl(
      await git(root, ['remote', 'get-url', '--push', remote]).then(
        (out) => out.trim(),
        () => remote,
      ),
    );
    throw new UserError(
      failure.rejected
        ? `the push of ${branch} to ${remote} (${url}) was rejected (${failure.reason}): fix that on the remote, or push the branch yourself`
        : `cannot push ${branch} to ${remote} (${url}): ${failure.reason}; check the remote's URL and your access (GITHUB_TOKEN for an https GitHub remote)`,
      1,
    );
  }
};
