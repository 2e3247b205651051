import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/ui/text/markdown.js';
import { rowText, rowWidth, wrapCode, wrapWords } from '../../src/ui/text/styledText.js';

const PRD = `# PRD: Password reset with email OTP

## Goal
Let users **reset** their *password* with a one-time code sent by \`email\`, without contacting support. Internationalization-friendly wording throughout.

## Requirements
- The code has **6 digits** and expires after 10 minutes
- A user may ask for at most 3 codes per hour
  - nested: rate limits are per account, not per address
1. first step
2. second step

> Quoted context that is long enough to wrap at forty columns and keeps its bar.

\`\`\`ts
const code = await sendOtp(user.email, { ttl: 600 }); // sends the code
\`\`\`

| field | type |
|---|---|
| code | string |

---
See [the docs](https://example.com/docs) &amp; more.
`;

/** Every word of the source's prose (what a reader must find whole on some line). */
const proseWords = [
  'Password',
  'one-time',
  'contacting',
  'support.',
  'Internationalization-friendly',
  'expires',
  'minutes',
  'account,',
  'address',
  'Quoted',
  'columns',
];

const text = (width: number) => renderMarkdown(PRD, width).map(rowText);

describe('markdown for a terminal', () => {
  it.each([40, 80, 200])('wraps at %i columns without cutting a word and never overflows', (width) => {
    const rows = renderMarkdown(PRD, width);
    for (const row of rows) expect(rowWidth(row), rowText(row)).toBeLessThanOrEqual(width);
    const lines = rows.map(rowText);
    for (const word of proseWords)
      expect(
        lines.some((line) => line.includes(word)),
        `${word} whole at ${width}`,
      ).toBe(true);
    // The words of a paragraph come back in order, nothing lost.
    const goal = lines.join(' ').replace(/\s+/g, ' ');
    expect(goal).toContain('Let users reset their password with a one-time code sent by email, without contacting support.');
  });

  it('draws headings, lists and emphasis instead of showing the markdown', () => {
    const rows = renderMarkdown(PRD, 80);
    const lines = rows.map(rowText);
    expect(lines.join('\n')).not.toMatch(/^#|\*\*|^- |`/m);
    expect(lines).toContain('PRD: Password reset with email OTP');
    expect(lines).toContain('• The code has 6 digits and expires after 10 minutes');
    expect(lines).toContain('  ◦ nested: rate limits are per account, not per address');
    expect(lines).toContain('1. first step');
    expect(lines).toContain('│ Quoted context that is long enough to wrap at forty columns and keeps its bar.');
    expect(lines).toContain('  const code = await sendOtp(user.email, { ttl: 600 }); // sends the code');
    expect(lines).toContain('field │ type  ');
    expect(lines).toContain('See the docs (https://example.com/docs) & more.');
    const segment = (find: string) => rows.flat().find((s) => s.text.trim() === find);
    expect(segment('Goal')).toMatchObject({ bold: true, fg: 'cyan' });
    expect(segment('reset')).toMatchObject({ bold: true });
    expect(segment('password')).toMatchObject({ italic: true });
    expect(segment('email')).toMatchObject({ fg: 'yellow' });
  });

  it('keeps a list item’s continuation lines under its text, and a quote’s bar on every line', () => {
    const lines = text(40);
    const start = lines.findIndex((line) => line.startsWith('• The code has'));
    expect(lines[start + 1]).toMatch(/^ {2}\S/);
    const quote = lines.filter((line) => line.includes('Quoted') || line.startsWith('│'));
    expect(quote.length).toBeGreaterThan(1);
    for (const line of quote) expect(line.startsWith('│ ')).toBe(true);
  });

  it('renders a half-written PRD as it streams', () => {
    expect(text(40)).not.toHaveLength(0);
    expect(renderMarkdown('## Goa', 40).map(rowText)).toEqual(['Goa']);
    expect(renderMarkdown('- item\n- **bold', 40).map(rowText)).toEqual(['• item', '• **bold']);
    expect(renderMarkdown('```\ncode without its end', 40).map(rowText)).toEqual(['  code without its end']);
  });
});

describe('wrapping', () => {
  it('moves whole words, cutting only a word longer than the line', () => {
    expect(wrapWords([{ text: 'aaa bbb ccc' }], 7).map(rowText)).toEqual(['aaa bbb', 'ccc']);
    expect(wrapWords([{ text: 'abcdefghij xy' }], 4).map(rowText)).toEqual(['abcd', 'efgh', 'ij', 'xy']);
    expect(wrapWords([{ text: '界界界 x' }], 4).map(rowText)).toEqual(['界界', '界 x']);
  });

  it('keeps styles across a wrap and gives a space between two words of one style that style', () => {
    const rows = wrapWords([{ text: 'plain ' }, { text: 'the docs link', underline: true }], 12);
    expect(rows.map(rowText)).toEqual(['plain the', 'docs link']);
    expect(rows[1]).toEqual([{ text: 'docs link', underline: true }]);
  });

  it('wraps code at spaces, keeping its indentation', () => {
    expect(wrapCode('    return total + tax', 14)).toEqual(['    return', 'total + tax']);
    expect(wrapCode('x'.repeat(10), 4)).toEqual(['xxxx', 'xxxx', 'xx']);
    expect(wrapCode('', 10)).toEqual(['']);
  });
});
