import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { keymapMarkdown } from '../../src/ui/keys/keymap.js';

const README = path.resolve(import.meta.dirname, '../../README.md');
const START = /<!-- keymap: [^\n]*-->\n/;
const END = '\n<!-- keymap end -->';

describe('README: the screens and their keys', () => {
  it('lists exactly the keys of the keymap the app dispatches on (UPDATE_README=1 rewrites it)', () => {
    const readme = fs.readFileSync(README, 'utf8');
    const start = START.exec(readme);
    const end = readme.indexOf(END);
    expect(start, 'README.md has the keymap markers').not.toBeNull();
    expect(end).toBeGreaterThan(start!.index);
    const listed = readme.slice(start!.index + start![0].length, end);
    const generated = keymapMarkdown();
    if (listed !== generated && process.env.UPDATE_README === '1') {
      fs.writeFileSync(README, readme.slice(0, start!.index + start![0].length) + generated + readme.slice(end));
      return;
    }
    expect(listed).toBe(generated);
  });
});
