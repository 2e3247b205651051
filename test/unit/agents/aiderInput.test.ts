import { describe, expect, it } from 'vitest';
import { addCommand, checkInstruction, dropCommand, quoteFileForAider, readOnlyCommand } from '../../../src/agents/aiderInput.js';

/** aider 0.86.2's own parser of file arguments (aider/commands.py parse_quoted_filenames). */
const parseQuotedFilenames = (args: string): string[] => [...args.matchAll(/"(.+?)"|(\S+)/g)].map((match) => match[1] ?? match[2] ?? '');

const argumentsOf = (line: string) => line.slice(line.indexOf(' ') + 1);

describe('file names typed into aider’s commands', () => {
  it('come back whole from aider’s parser: plain, with spaces, with glob or shell characters', () => {
    const files = ['a.py', 'my file.py', 'dir with  two spaces/x.ts', 'src/[id].tsx', "it's $HOME;rm.md", ' lead.md'];
    expect(parseQuotedFilenames(argumentsOf(addCommand(files)))).toEqual(files);
    expect(addCommand(['a.py', 'my file.py'])).toBe('/add a.py "my file.py"');
  });

  it('refuses what aider cannot parse or a pty would act on', () => {
    expect(() => quoteFileForAider('say "hi".md')).toThrow(/double quote/);
    expect(() => quoteFileForAider('tab\there.py')).toThrow(/control character/);
    expect(() => quoteFileForAider('line\nbreak.py')).toThrow(/control character/);
    expect(() => quoteFileForAider('')).toThrow(/empty/);
  });

  it('/read-only takes absolute paths only (aider globs relative ones and expands ~)', () => {
    expect(readOnlyCommand(['/runs/1/task file.md'])).toBe('/read-only "/runs/1/task file.md"');
    expect(() => readOnlyCommand(['task.md'])).toThrow(/absolute path/);
    expect(() => readOnlyCommand(['~/task.md'])).toThrow(/absolute path/);
    expect(dropCommand(['/runs/1/message-1.md', 'a.py'])).toBe('/drop /runs/1/message-1.md a.py');
  });
});

describe('one-line instructions', () => {
  it('pass through unchanged', () => {
    expect(checkInstruction('Do the task in task.md, then stop.')).toBe('Do the task in task.md, then stop.');
  });

  it('refuse several lines, control characters, commands, a multi-line opener, empty or overlong text', () => {
    expect(() => checkInstruction('first\nsecond')).toThrow(/one line/);
    expect(() => checkInstruction('stop\x03')).toThrow(/control characters/);
    expect(() => checkInstruction('\x1b[A')).toThrow(/control characters/);
    expect(() => checkInstruction('/run rm -rf .')).toThrow(/must not start with/);
    expect(() => checkInstruction('!ls')).toThrow(/must not start with/);
    expect(() => checkInstruction('{')).toThrow(/must not start with/);
    expect(() => checkInstruction('   ')).toThrow(/empty/);
    expect(() => checkInstruction('x'.repeat(2001))).toThrow(/at most 2000/);
  });
});
