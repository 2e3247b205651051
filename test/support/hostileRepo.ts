import fs from 'node:fs';
import path from 'node:path';
import { makeTempDir, makeTempRepo, type TempRepo } from './gitRepo.js';

/** Text that must never leave the machine: it sits only outside the repository (and in the environment). */
export const SECRET_MARKER = 'SECRET-MARKER-4f1c9d2e';

export interface HostileRepo extends TempRepo {
  /** A folder outside the repository holding `secret.txt` and `dir/secret.py`, both with the marker. */
  outside: string;
}

/**
 * A real git repository whose committed symlinks lead out of it, as an untrusted clone may:
 * - `README.md` → `<outside>/secret.txt` (absolute link)
 * - `env.txt` → `/proc/self/environ` (the reading process's environment, keys and all)
 * - `lib` → `<outside>/dir` (a symlinked folder: `lib/secret.py` is outside)
 * - `src/leak.py` → `../../<outside>/secret.txt` (relative link, inside a normal folder)
 * - `broken.py` → `nowhere.py` (dangling)
 * - `docs/alias.py` → `../a.py` (stays inside: stands for a.py)
 * - `gone.py`: committed, then deleted from the checkout
 * plus the ordinary `a.py` and `src/ok.py`.
 */
export const makeHostileRepo = async (): Promise<HostileRepo> => {
  const outside = makeTempDir('ao-outside-');
  fs.writeFileSync(path.join(outside.dir, 'secret.txt'), `${SECRET_MARKER}\n`);
  fs.mkdirSync(path.join(outside.dir, 'dir'));
  fs.writeFileSync(path.join(outside.dir, 'dir', 'secret.py'), `KEY = "${SECRET_MARKER}"\n`);
  const repo = await makeTempRepo({ 'a.py': 'A = 1\n', 'src/ok.py': 'OK = 1\n', 'gone.py': 'GONE = 1\n', 'docs/guide.md': '# Guide\n' });
  const link = (target: string, at: string) => fs.symlinkSync(target, path.join(repo.dir, at));
  link(path.join(outside.dir, 'secret.txt'), 'README.md');
  link('/proc/self/environ', 'env.txt');
  link(path.join(outside.dir, 'dir'), 'lib');
  link(path.relative(path.join(repo.dir, 'src'), path.join(outside.dir, 'secret.txt')), 'src/leak.py');
  link('nowhere.py', 'broken.py');
  link('../a.py', 'docs/alias.py');
  await repo.git('add', '-A');
  await repo.git('commit', '-q', '-m', 'links');
  fs.rmSync(path.join(repo.dir, 'gone.py'));
  return {
    ...repo,
    outside: outside.dir,
    cleanup: () => {
      repo.cleanup();
      outside.cleanup();
    },
  };
};
