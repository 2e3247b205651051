import { describe, expect, it } from 'vitest';
import { reviewMessage } from '../../../src/agents/reviewComments.js';

describe('review comments as one follow-up turn', () => {
  it('names the file, the line in the new file, the code and the comment, in the reviewer’s order', () => {
    const message = reviewMessage([
      { file: 'src/greet.py', line: 12, code: '    return "hi " + name', change: 'added', text: 'use an f-string' },
      { file: 'src/app.py', line: 3, code: 'import os', change: 'unchanged', text: 'this import is unused now' },
    ]);
    expect(message).toBe(
      [
        'A reviewer read your changes so far and left 2 comments. Address each one, then commit.',
        '',
        '1. src/greet.py, line 12',
        '   Code: return "hi " + name',
        '   Comment: use an f-string',
        '',
        '2. src/app.py, line 3',
        '   Code: import os',
        '   Comment: this import is unused now',
        '',
      ].join('\n'),
    );
  });

  it('names a removed line by its number in the old file, and a comment on a file as the whole file', () => {
    const message = reviewMessage([
      { file: 'src/greet.py', oldLine: 7, code: 'import sys', change: 'removed', text: 'keep this, main needs it' },
      { file: 'README.md', text: 'document the new flag' },
    ]);
    expect(message).toContain(
      '1. src/greet.py, a removed line (line 7 of the old file)\n   Code: import sys\n   Comment: keep this, main needs it',
    );
    expect(message).toContain('2. README.md (the whole file)\n   Comment: document the new flag');
    expect(message).not.toContain('2. README.md (the whole file)\n   Code:');
  });

  it('lists the comments on the whole change after the ones on lines', () => {
    const message = reviewMessage([
      { text: 'add tests for the greeting' },
      { file: 'a.py', line: 1, code: 'x = 1', change: 'added', text: 'name it better' },
      { text: 'keep the public API unchanged' },
    ]);
    expect(message).toMatch(/^A reviewer read your changes so far and left 3 comments\./);
    expect(message.indexOf('1. a.py, line 1')).toBeLessThan(message.indexOf('On the whole change:'));
    expect(message).toContain('On the whole change:\n- add tests for the greeting\n- keep the public API unchanged\n');
  });

  it('says “a comment” for one, and leaves out comments with no text', () => {
    const message = reviewMessage([{ text: 'shorter names please' }, { file: 'a.py', line: 2, code: 'y', text: '   ' }]);
    expect(message).toBe(
      [
        'A reviewer read your changes so far and left a comment. Address each one, then commit.',
        '',
        'On the whole change:',
        '- shorter names please',
        '',
      ].join('\n'),
    );
  });

  it('indents a comment’s later lines under its first and cuts a very long code line', () => {
    const long = `x = ${'1 + '.repeat(100)}1`;
    const message = reviewMessage([{ file: 'a.py', line: 4, code: long, change: 'added', text: 'first line\nsecond line' }]);
    expect(message).toContain('   Comment: first line\n            second line');
    const code = message.split('\n').find((line) => line.startsWith('   Code: '))!;
    expect(code.length).toBe('   Code: '.length + 201);
    expect(code.endsWith('…')).toBe(true);
  });
});
