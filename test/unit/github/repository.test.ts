import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import { repositoryFromRemoteUrl, resolveGithubRepository } from '../../../src/github/repository.js';

describe('the GitHub repository of a remote', () => {
  it.each([
    ['https://github.com/octo/app.git', 'https://github.com/'],
    ['https://x-access-token:secret@github.com/octo/app', 'https://github.com/'],
    ['git@github.com:octo/app.git', undefined],
    ['ssh://git@github.com/octo/app.git', undefined],
    ['ssh://git@github.com:22/octo/app/', undefined],
  ])('reads octo/app from %s', (url, pushScope) => {
    expect(repositoryFromRemoteUrl(url, {})).toEqual({
      owner: 'octo',
      name: 'app',
      apiUrl: 'https://api.github.com',
      pushScope,
      source: 'remote',
    });
  });

  it('takes a GitHub Enterprise host, its API at /api/v3 unless GITHUB_API_URL says otherwise', () => {
    expect(repositoryFromRemoteUrl('https://github.example.com/octo/app.git', {})).toMatchObject({
      apiUrl: 'https://github.example.com/api/v3',
      pushScope: 'https://github.example.com/',
    });
    expect(repositoryFromRemoteUrl('git@code.corp:octo/app.git', { GITHUB_API_URL: 'https://code.corp/api/v3/' })).toMatchObject({
      owner: 'octo',
      apiUrl: 'https://code.corp/api/v3',
    });
  });

  it('names no repository for other hosts, local paths and deeper paths', () => {
    for (const url of [
      'https://gitlab.com/octo/app.git',
      '/srv/git/app.git',
      'file:///srv/app.git',
      'https://github.com/octo/app/extra',
      'C:\\repos\\app',
    ]) {
      expect(repositoryFromRemoteUrl(url, {}), url).toBeUndefined();
    }
  });

  it('falls back to GITHUB_REPOSITORY, and says what to set when neither names one', () => {
    expect(
      resolveGithubRepository({
        remote: 'origin',
        remoteUrl: '/srv/app.git',
        env: { GITHUB_REPOSITORY: 'octo/app', GITHUB_API_URL: 'http://127.0.0.1:9/' },
      }),
    ).toEqual({ owner: 'octo', name: 'app', apiUrl: 'http://127.0.0.1:9', pushScope: undefined, source: 'GITHUB_REPOSITORY' });
    expect(() => resolveGithubRepository({ remote: 'origin', remoteUrl: 'https://user:pw@gitlab.com/o/a.git', env: {} })).toThrow(
      /^cannot tell the GitHub repository of the remote origin \(https:\/\/\*\*\*@gitlab\.com\/o\/a\.git names no github\.com\/<owner>\/<name>\): set GITHUB_REPOSITORY=<owner>\/<name>/,
    );
    expect(() => resolveGithubRepository({ remote: 'origin', remoteUrl: '/srv/app.git', env: { GITHUB_REPOSITORY: 'octo' } })).toThrow(
      UserError,
    );
    expect(() =>
      resolveGithubRepository({
        remote: 'origin',
        remoteUrl: '/srv/app.git',
        env: { GITHUB_REPOSITORY: 'o/a', GITHUB_API_URL: 'api.github.com' },
      }),
    ).toThrow(/^GITHUB_API_URL=api\.github\.com is not an http\(s\) URL/);
  });
});
