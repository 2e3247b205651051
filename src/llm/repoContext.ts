import { constants as fsConstants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';

export interface RepoContextInput {
  root: string;
  /** Repo-relative tracked paths (git ls-files). */
  trackedFiles: string[];
  /** The user's --files, repo-relative: their contents are included. */
  files?: string[] | undefined;
  /** Characters of file contents to include, at most (default 60,000). */
  budgetChars?: number | undefined;
  /** Paths listed in the tree, at most (default 400). */
  maxTreeEntries?: number | undefined;
}

export const DEFAULT_CONTEXT_BUDGET_CHARS = 60_000;
export const DEFAULT_MAX_TREE_ENTRIES = 400;
export const README_HEAD_LINES = 60;
/** Below this many characters left, a file is listed as omitted rather than cut to a useless stub. */
const MIN_USEFUL_CHARS = 200;

const README = /^readme(\.[a-z0-9]+)?$/i;

/** A fence longer than any backtick run in the text, so contents cannot close it early. */
const fenceFor = (text: string): string => {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(longest + 1);
};

const fenced = (label: string, text: string): string => {
  const fence = fenceFor(text);
  return `${fence}${label}\n${text}${text.endsWith('\n') ? '' : '\n'}${fence}`;
};

/** Whether `target` is `base` itself or anywhere but under it. */
const outside = (base: string, target: string): boolean => {
  const inside = path.relative(base, target);
  return !inside || inside === '..' || inside.startsWith(`..${path.sep}`) || path.isAbsolute(inside);
};

/**
 * Reads a regular file inside root; 'missing' if absent, 'unreadable' for anything else: a path
 * that leads outside the repo (a symlink to a secret, to /proc/self/environ, through a symlinked
 * folder), a folder, a fifo or a device. Repo contents are data, and only its own files are sent.
 */
const readInside = async (root: string, relative: string): Promise<Buffer | 'missing' | 'unreadable'> => {
  if (outside(root, path.resolve(root, relative))) return 'unreadable';
  let real: string;
  try {
    const realRoot = await fs.realpath(root);
    real = await fs.realpath(path.resolve(realRoot, relative));
    if (outside(realRoot, real)) return 'unreadable';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unreadable';
  }
  let file: fs.FileHandle | undefined;
  try {
    // Non-blocking: opening a fifo returns at once (and is refused below) instead of waiting for a writer.
    file = await fs.open(real, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK | fsConstants.O_NOFOLLOW);
    if (!(await file.stat()).isFile()) return 'unreadable';
    return await file.readFile();
  } catch {
    return 'unreadable';
  } finally {
    await file?.close();
  }
};

const treeSection = (tracked: string[], maxEntries: number): string => {
  const sorted = [...tracked].sort();
  const shown = sorted.slice(0, maxEntries);
  const more = sorted.length - shown.length;
  const lines = [`## Files (${sorted.length} tracked)`, '', ...shown];
  if (more > 0) lines.push(`... ${more} more`);
  return lines.join('\n');
};

/** The first README at the top of the repo that is a regular file inside it. */
const readmeSection = async (root: string, tracked: string[]): Promise<string | undefined> => {
  let readme: string | undefined;
  let content: Buffer | undefined;
  for (const candidate of tracked.filter((file) => README.test(file)).sort()) {
    const read = await readInside(root, candidate);
    if (typeof read === 'string') continue;
    [readme, content] = [candidate, read];
    break;
  }
  if (!readme || !content) return undefined;
  const lines = content.toString('utf8').split('\n');
  const head = lines.slice(0, README_HEAD_LINES).join('\n');
  const more = lines.length - README_HEAD_LINES;
  const title = more > 0 ? `## ${readme} (first ${README_HEAD_LINES} lines)` : `## ${readme}`;
  return `${title}\n\n${fenced('markdown', head)}`;
};

const filesSection = async (root: string, files: string[], budget: number): Promise<string> => {
  const blocks: string[] = ['## Files to change'];
  let left = budget;
  for (const file of files) {
    const content = await readInside(root, file);
    if (typeof content === 'string') {
      blocks.push(`${file}: (${content === 'missing' ? 'new file' : 'not readable'})`);
      continue;
    }
    if (content.includes(0)) {
      blocks.push(`${file}: (binary, ${content.length} bytes)`);
      continue;
    }
    const text = content.toString('utf8');
    if (text.length <= left) {
      blocks.push(fenced(file, text));
      left -= text.length;
    } else if (left >= MIN_USEFUL_CHARS) {
      blocks.push(fenced(file, `${text.slice(0, left)}\n... (truncated: ${text.length - left} more characters)`));
      left = 0;
    } else {
      blocks.push(`${file}: (${text.length} characters, omitted: over the context budget)`);
    }
  }
  return blocks.join('\n\n');
};

/**
 * A compact view of the repo for the PRD prompt: the tracked file list, the README's
 * head, and the contents of the files the user named, within a character budget.
 */
export const buildRepoContext = async (input: RepoContextInput): Promise<string> => {
  const sections = [treeSection(input.trackedFiles, input.maxTreeEntries ?? DEFAULT_MAX_TREE_ENTRIES)];
  const readme = await readmeSection(input.root, input.trackedFiles);
  if (readme) sections.push(readme);
  if (input.files && input.files.length > 0) {
    sections.push(await filesSection(input.root, input.files, input.budgetChars ?? DEFAULT_CONTEXT_BUDGET_CHARS));
  }
  return sections.join('\n\n');
};
