import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';

export interface TempRepo {
  dir: string;
  git(...args: string[]): Promise<string>;
  cleanup(): void;
}

/**
 * A real git repository in a temp folder: branch main, local identity (aider would
 * otherwise write placeholders into the config), the given files in one commit.
 */
export const makeTempRepo = async (files: Record<string, string>): Promise<TempRepo> => {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ao-repo-')));
  const git = async (...args: string[]) => String((await execa('git', args, { cwd: dir })).stdout);
  await git('init', '-q', '-b', 'main');
  await git('config', 'user.name', 'Test User');
  await git('config', 'user.email', 'test@example.com');
  await git('config', 'commit.gpgsign', 'false');
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  }
  await git('add', '-A');
  await git('commit', '-q', '-m', 'initial');
  return { dir, git, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
};

/** A temp folder removed by cleanup(). */
export const makeTempDir = (prefix = 'ao-'): { dir: string; cleanup(): void } => {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
};
