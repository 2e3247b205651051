import { describe, expect, it } from 'vitest';
import { prdFileName, slugify } from '../../../src/llm/prd.js';

// Local-time components, so the expected stamp does not depend on the machine's time zone.
const date = new Date(2025, 0, 2, 3, 4, 5);

describe('PRD file names', () => {
  it('stamps the local date and time, zero-padded', () => {
    expect(prdFileName('Add a verbose flag', date)).toBe('20250102-030405-add-a-verbose-flag.md');
  });

  it('uses two-digit fields at the end of the year too', () => {
    expect(prdFileName('x', new Date(2024, 11, 31, 23, 59, 58))).toBe('20241231-235958-x.md');
  });

  it('turns punctuation, slashes and dots into single dashes', () => {
    expect(prdFileName('Fix ../../etc/passwd & C:\\win  --now!!', date)).toBe('20250102-030405-fix-etc-passwd-c-win-now.md');
  });

  it('keeps accented letters as their ASCII base', () => {
    expect(slugify('Crème brûlée für Ärger')).toBe('creme-brulee-fur-arger');
  });

  it('falls back to "change" when nothing ASCII is left', () => {
    expect(prdFileName('添加日志 🚀', date)).toBe('20250102-030405-change.md');
    expect(slugify('')).toBe('change');
    expect(slugify('---')).toBe('change');
  });

  it('cuts long text to 50 characters without a trailing dash', () => {
    const slug = slugify('refactor the whole authentication module into small services please and thank you');
    expect(slug).toBe('refactor-the-whole-authentication-module-into-smal');
    expect(slug.length).toBe(50);
    expect(slugify(`${'a'.repeat(49)} bbbb`)).toBe('a'.repeat(49));
  });

  it('never contains a path separator or upper case', () => {
    for (const text of ['A/B\\C', 'UPPER case', '  spaced  out  ', 'tab\there\nnewline']) {
      expect(slugify(text)).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    }
  });
});
