import { describe, expect, it } from 'vitest';
import { parsePatch } from '../../../src/git/patch.js';

const PATCH = [
  'diff --git a/src/greet.py b/src/greet.py',
  'index 1111111..2222222 100644',
  '--- a/src/greet.py',
  '+++ b/src/greet.py',
  '@@ -1,4 +1,4 @@ def greet(name):',
  ' import os',
  '--- a separator the old file had',
  '-    return "hi " + name',
  '+    return f"hi {name}"',
  '+',
  ' # end',
  'diff --git a/new file.txt b/new file.txt',
  'new file mode 100644',
  'index 0000000..3333333',
  '--- /dev/null',
  '+++ b/new file.txt',
  '@@ -0,0 +1 @@',
  '+hello',
  '\\ No newline at end of file',
  '',
].join('\n');

describe('a unified diff as lines that know their file and numbers', () => {
  const lines = parsePatch(PATCH);

  it('tells headers, hunks, added, removed and unchanged lines apart (a removed line starting with -- stays a removed line)', () => {
    expect(lines.map((line) => line.kind)).toEqual([
      'file',
      'meta',
      'meta',
      'meta',
      'hunk',
      'unchanged',
      'removed',
      'removed',
      'added',
      'added',
      'unchanged',
      'file',
      'meta',
      'meta',
      'meta',
      'meta',
      'hunk',
      'added',
      'note',
    ]);
  });

  it('numbers lines as in the new file (added, unchanged) and the old file (removed, unchanged)', () => {
    const numbers = lines.filter(
      (line) => line.file === 'src/greet.py' && line.kind !== 'meta' && line.kind !== 'file' && line.kind !== 'hunk',
    );
    expect(numbers.map(({ kind, oldLine, newLine }) => [kind, oldLine, newLine])).toEqual([
      ['unchanged', 1, 1],
      ['removed', 2, undefined],
      ['removed', 3, undefined],
      ['added', undefined, 2],
      ['added', undefined, 3],
      ['unchanged', 4, 4],
    ]);
  });

  it('names each line’s file, paths with spaces and new files included', () => {
    expect(new Set(lines.map((line) => line.file))).toEqual(new Set(['src/greet.py', 'new file.txt']));
    expect(lines.find((line) => line.text === '+hello')).toMatchObject({ file: 'new file.txt', newLine: 1 });
  });

  it('reads git’s quoted paths and a deleted file’s old path', () => {
    const quoted = parsePatch(
      [
        'diff --git "a/caf\\303\\251.txt" "b/caf\\303\\251.txt"',
        'deleted file mode 100644',
        '--- "a/caf\\303\\251.txt"',
        '+++ /dev/null',
        '@@ -1 +0,0 @@',
        '-bye',
      ].join('\n'),
    );
    expect(quoted.map((line) => line.file)).toEqual(Array(6).fill('café.txt'));
    expect(quoted.at(-1)).toMatchObject({ kind: 'removed', oldLine: 1 });
  });

  it('has no lines for an empty diff', () => {
    expect(parsePatch('')).toEqual([]);
  });
});
