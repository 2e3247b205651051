import { describe, expect, it } from 'vitest';
import { char, ctrl, key, keyBytes, keyLabel, mouseReports, withoutMouseReports } from '../../src/ui/keys/keys.js';

describe('keys', () => {
  it('writes keys as the footer, the help and the README show them', () => {
    expect([key('up'), key('pageDown'), key('tab', { shift: true }), ctrl('c'), ctrl(']'), char('?'), key('space')].map(keyLabel)).toEqual([
      '↑',
      'PgDn',
      'Shift-Tab',
      'Ctrl-C',
      'Ctrl-]',
      '?',
      'Space',
    ]);
  });

  it('knows the bytes a terminal sends for them', () => {
    expect([key('end'), key('tab', { shift: true }), ctrl('c'), ctrl('o'), ctrl(']'), char('R')].map(keyBytes)).toEqual([
      '\x1b[F',
      '\x1b[Z',
      '\x03',
      '\x0f',
      '\x1d',
      'R',
    ]);
  });

  it('reads SGR mouse reports: the wheel, a press, modifiers ignored', () => {
    expect(mouseReports('\x1b[<64;10;5M\x1b[<65;1;1Mx\x1b[<0;3;4M\x1b[<0;3;4m\x1b[<80;2;2M')).toEqual([
      { kind: 'wheelUp', x: 9, y: 4 },
      { kind: 'wheelDown', x: 0, y: 0 },
      { kind: 'press', x: 2, y: 3 },
      { kind: 'other', x: 2, y: 3 },
      { kind: 'wheelUp', x: 1, y: 1 },
    ]);
    expect(withoutMouseReports('a\x1b[<64;10;5Mb')).toBe('ab');
  });
});
