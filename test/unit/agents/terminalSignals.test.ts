import * as pty from 'node-pty';
import { describe, expect, it } from 'vitest';
import {
  isAiderPrompt,
  isQuestion,
  NOTIFICATIONS_COMMAND,
  NOTIFY_SEQUENCE,
  TerminalSignalScanner,
} from '../../../src/agents/terminalSignals.js';

describe('signals in aider’s terminal output', () => {
  it('finds input on/off and notifications in order', () => {
    const scanner = new TerminalSignalScanner();
    expect(scanner.scan(`text\x1b[?2004l\r\nmore${NOTIFY_SEQUENCE}\x1b[0m rule\x1b[?2004h\x1b[?25l> `)).toEqual([
      'input-off',
      'notified',
      'input-on',
    ]);
    expect(scanner.scan('\x1b[31mred\x1b[0m plain')).toEqual([]);
  });

  it('finds a sequence split across chunks, at any byte', () => {
    const stream = `a\x1b[?2004hb${NOTIFY_SEQUENCE}c\x1b[?2004l`;
    for (let cut = 1; cut < stream.length; cut += 1) {
      const scanner = new TerminalSignalScanner();
      expect([...scanner.scan(stream.slice(0, cut)), ...scanner.scan(stream.slice(cut))]).toEqual(['input-on', 'notified', 'input-off']);
    }
  });

  it('gets the notification from the notifications command run by sh in a pty, as aider runs it', async () => {
    const child = pty.spawn('/bin/sh', ['-c', NOTIFICATIONS_COMMAND], {
      name: 'xterm-256color',
      cols: 80,
      rows: 10,
      cwd: '/',
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    });
    let output = '';
    child.onData((data) => (output += data));
    const exitCode = await new Promise<number>((resolve) => child.onExit(({ exitCode: code }) => resolve(code)));
    expect(exitCode).toBe(0);
    expect(new TerminalSignalScanner().scan(output)).toEqual(['notified']);
  });
});

describe('what waits left of the cursor', () => {
  it('is aider’s prompt, with or without an edit format or multi-line mode', () => {
    for (const prompt of ['> ', 'diff> ', 'architect> ', 'ask multi> ', 'multi> ', 'editor-diff> '])
      expect(isAiderPrompt(prompt)).toBe(true);
    for (const text of ['', '>', 'Tokens: 1.2k sent> x', 'Create new file? (Y)es/(N)o [Yes]: ']) expect(isAiderPrompt(text)).toBe(false);
  });

  it('or a question', () => {
    expect(isQuestion('Create new file? (Y)es/(N)o [Yes]: ')).toBe(true);
    expect(isQuestion('Open a GitHub Issue pre-filled with the above error in your browser? (Y/n) ')).toBe(false);
    expect(isQuestion('Applied edit to a.py')).toBe(false);
  });
});
