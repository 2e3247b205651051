import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildRepoContext } from '../../../src/llm/repoContext.js';

let root: string;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'repo-context-'));
});

afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

const write = (relative: string, content: string | Buffer): void => {
  fs.mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
  fs.writeFileSync(path.join(root, relative), content);
};

describe('file tree', () => {
  it('lists tracked files sorted, with the count', async () => {
    const context = await buildRepoContext({ root, trackedFiles: ['src/b.ts', 'src/a.ts', 'package.json'] });
    expect(context).toBe('## Files (3 tracked)\n\npackage.json\nsrc/a.ts\nsrc/b.ts');
  });

  it('truncates a long tree with "... N more"', async () => {
    const tracked = Array.from({ length: 25 }, (_, i) => `f${String(i).padStart(2, '0')}.ts`);
    const context = await buildRepoContext({ root, trackedFiles: tracked, maxTreeEntries: 10 });
    const lines = context.split('\n');
    expect(lines[0]).toBe('## Files (25 tracked)');
    expect(lines.slice(2)).toEqual([...tracked.slice(0, 10), '... 15 more']);
  });
});

describe('README head', () => {
  it('includes the first 60 lines of the README', async () => {
    write('README.md', Array.from({ length: 100 }, (_, i) => `line ${i + 1}`).join('\n'));
    const context = await buildRepoContext({ root, trackedFiles: ['README.md'] });
    expect(context).toContain('## README.md (first 60 lines)');
    expect(context).toContain('line 60\n');
    expect(context).not.toContain('line 61');
  });

  it('shows a short README whole', async () => {
    write('readme.txt', 'Hello');
    const context = await buildRepoContext({ root, trackedFiles: ['readme.txt'] });
    expect(context).toContain('## readme.txt\n\n```markdown\nHello\n```');
  });
});

describe('file contents', () => {
  it('fences each file with its path', async () => {
    write('src/a.ts', 'export const a = 1;\n');
    const context = await buildRepoContext({ root, trackedFiles: ['src/a.ts'], files: ['src/a.ts'] });
    expect(context).toContain('## Files to change\n\n```src/a.ts\nexport const a = 1;\n```');
  });

  it('uses a longer fence when the file itself contains backticks', async () => {
    write('doc.md', 'text\n````\ncode\n````\n');
    const context = await buildRepoContext({ root, trackedFiles: ['doc.md'], files: ['doc.md'] });
    expect(context).toContain('`````doc.md\ntext\n````\ncode\n````\n`````');
  });

  it('stays within the budget: cuts the file that crosses it, omits the ones after', async () => {
    write('a.txt', 'a'.repeat(600));
    write('b.txt', 'b'.repeat(600));
    write('c.txt', 'c'.repeat(600));
    const context = await buildRepoContext({
      root,
      trackedFiles: ['a.txt', 'b.txt', 'c.txt'],
      files: ['a.txt', 'b.txt', 'c.txt'],
      budgetChars: 1000,
    });
    expect(context).toContain(`\`\`\`a.txt\n${'a'.repeat(600)}\n\`\`\``);
    expect(context).toContain(`\`\`\`b.txt\n${'b'.repeat(400)}\n... (truncated: 200 more characters)\n\`\`\``);
    expect(context).toContain('c.txt: (600 characters, omitted: over the context budget)');
    const contentChars = (context.match(/[abc]{10,}/g) ?? []).join('').length;
    expect(contentChars).toBe(1000);
  });

  it('marks missing files as new and skips binary files and paths outside the repo', async () => {
    write('img.png', Buffer.from([0x89, 0x50, 0x00, 0x01]));
    const context = await buildRepoContext({
      root,
      trackedFiles: ['img.png'],
      files: ['src/new.ts', 'img.png', '../outside.txt'],
    });
    expect(context).toContain('src/new.ts: (new file)');
    expect(context).toContain('img.png: (binary, 4 bytes)');
    expect(context).toContain('../outside.txt: (not readable)');
  });
});
