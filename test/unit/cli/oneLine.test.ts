import { describe, expect, it } from 'vitest';
import { oneLine } from '../../../src/cli/commands/runs.js';

describe('a change text on one line of the `runs` listing', () => {
  it('joins its lines and blanks with single spaces', () => {
    expect(oneLine('Add dark mode\n\n- toggle in settings\n\t- persist it  ', 80)).toBe('Add dark mode - toggle in settings - persist it');
  });

  it('cuts a long text to the width, ending with …', () => {
    const line = oneLine('word '.repeat(30_000), 40);
    expect(line).toHaveLength(40);
    expect(line.endsWith('…')).toBe(true);
  });

  it('drops terminal escapes and other control characters', () => {
    expect(oneLine('Fix \u001b[2J\u001b]0;title\u0007the bug\u0000', 80)).toBe('Fix the bug');
  });
});
