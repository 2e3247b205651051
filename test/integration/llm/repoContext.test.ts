import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { trackedFiles } from '../../../src/git/repo.js';
import { buildRepoContext } from '../../../src/llm/repoContext.js';
import { makeHostileRepo, SECRET_MARKER, type HostileRepo } from '../../support/hostileRepo.js';

let repo: HostileRepo;
let tracked: string[];
beforeEach(async () => {
  repo = await makeHostileRepo();
  tracked = await trackedFiles(repo.dir);
});
afterEach(() => repo.cleanup());

describe('the repo context sends only the repository’s own regular files', () => {
  it('skips a README that links outside, and reads the next README instead', async () => {
    fs.writeFileSync(path.join(repo.dir, 'readme.txt'), 'The real readme.\n');
    const context = await buildRepoContext({ root: repo.dir, trackedFiles: [...tracked, 'readme.txt'] });
    expect(context).not.toContain(SECRET_MARKER);
    expect(context).toContain('## readme.txt\n\n```markdown\nThe real readme.\n```');
    // The tree still names the link: names are data, contents are what must not leak.
    expect(context).toContain('README.md');
  });

  it('never reads /proc/self/environ, a symlinked folder or a relative link out', async () => {
    process.env.AO_TEST_SECRET = SECRET_MARKER; // in this process's environ, where env.txt leads
    try {
      const context = await buildRepoContext({
        root: repo.dir,
        trackedFiles: tracked,
        files: ['env.txt', 'lib/secret.py', 'src/leak.py', 'README.md', 'a.py'],
      });
      expect(context).not.toContain(SECRET_MARKER);
      expect(context).toContain('env.txt: (not readable)');
      expect(context).toContain('lib/secret.py: (not readable)');
      expect(context).toContain('src/leak.py: (not readable)');
      expect(context).toContain('```a.py\nA = 1\n```');
    } finally {
      delete process.env.AO_TEST_SECRET;
    }
  });

  it('does not hang on a fifo where the README should be', async () => {
    fs.rmSync(path.join(repo.dir, 'README.md'));
    execFileSync('mkfifo', [path.join(repo.dir, 'README.md')]);
    const context = await buildRepoContext({ root: repo.dir, trackedFiles: tracked, files: ['README.md'] });
    expect(context).not.toContain('## README.md');
    expect(context).toContain('README.md: (not readable)');
  });
});
