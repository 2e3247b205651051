import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { savePrd } from '../../../src/llm/prd.js';

let root: string;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'save-prd-'));
});

afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

const date = new Date(2025, 5, 7, 8, 9, 10);

describe('saving the approved PRD', () => {
  it('creates the folder and writes <stamp>-<slug>.md, ending in a newline', async () => {
    const file = await savePrd(root, 'docs/prd', 'Add dark mode', '# Dark mode', date);

    expect(file).toBe(path.join(root, 'docs/prd/20250607-080910-add-dark-mode.md'));
    expect(fs.readFileSync(file, 'utf8')).toBe('# Dark mode\n');
  });

  it('never overwrites a PRD saved in the same second', async () => {
    const first = await savePrd(root, 'docs/prd', 'Add dark mode', 'one\n', date);
    const second = await savePrd(root, 'docs/prd', 'Add dark mode', 'two\n', date);

    expect(path.basename(second)).toBe('20250607-080910-add-dark-mode-2.md');
    expect(fs.readFileSync(first, 'utf8')).toBe('one\n');
    expect(fs.readFileSync(second, 'utf8')).toBe('two\n');
  });

  it('keeps a change text with slashes inside the PRD folder', async () => {
    const file = await savePrd(root, 'docs/prd', '../../escape/me', 'x', date);
    expect(path.dirname(file)).toBe(path.join(root, 'docs/prd'));
    expect(path.basename(file)).toBe('20250607-080910-escape-me.md');
  });
});
