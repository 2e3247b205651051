import xterm from '@xterm/headless';
import { describe, expect, it } from 'vitest';
import { rowsToText, serializeViewport, TerminalViewport } from '../../../src/agents/viewport.js';

const terminal = (cols = 30, rows = 5) => new xterm.Terminal({ cols, rows, allowProposedApi: true, scrollback: 50 });
const write = (term: xterm.Terminal, data: string) => new Promise<void>((resolve) => term.write(data, resolve));

describe('pane renderer: headless terminal → styled rows', () => {
  it('merges equal-looking cells and keeps palette and true colours, bold and underline', async () => {
    const term = terminal();
    await write(term, 'plain \x1b[1;31mred bold\x1b[0m \x1b[38;2;10;20;30mrgb\x1b[0m \x1b[4;48;5;19munder\x1b[0m');
    const [row] = serializeViewport(term);
    expect(row).toEqual([
      { text: 'plain ' },
      { text: 'red bold', fg: 'ansi256(1)', bold: true },
      { text: ' ' },
      { text: 'rgb', fg: '#0a141e' },
      { text: ' ' },
      { text: 'under', bg: 'ansi256(19)', underline: true },
    ]);
  });

  it('shows what a \\r progress line finally says, and clear-line erases', async () => {
    const term = terminal();
    await write(term, 'Downloading 10%\rDownloading 55%\r\nold text\r\x1b[2Knew\r\n');
    expect(rowsToText(serializeViewport(term)).slice(0, 2)).toEqual(['Downloading 55%', 'new']);
  });

  it('follows cursor moves and the alternate screen', async () => {
    const term = terminal();
    await write(term, 'main screen');
    await write(term, '\x1b[?1049h\x1b[H\x1b[3;5Hin alt');
    expect(rowsToText(serializeViewport(term))).toEqual(['', '', '    in alt', '', '']);
    await write(term, '\x1b[?1049l');
    expect(rowsToText(serializeViewport(term))[0]).toBe('main screen');
  });

  it('draws the cursor as an inverse cell when asked', async () => {
    const term = terminal();
    await write(term, 'ab');
    const [row] = serializeViewport(term, { showCursor: true });
    expect(row).toEqual([{ text: 'ab' }, { text: ' ', inverse: true }]);
  });

  it('scrolls back into the history', async () => {
    const term = terminal(20, 3);
    await write(term, Array.from({ length: 10 }, (_, i) => `line ${i}`).join('\r\n'));
    expect(rowsToText(serializeViewport(term))).toEqual(['line 7', 'line 8', 'line 9']);
    expect(rowsToText(serializeViewport(term, { scrollback: 4 }))).toEqual(['line 3', 'line 4', 'line 5']);
    expect(rowsToText(serializeViewport(term, { scrollback: 99 }))).toEqual(['line 0', 'line 1', 'line 2']);
  });

  it('counts a wide character once', async () => {
    const term = terminal();
    await write(term, '界x');
    expect(rowsToText(serializeViewport(term))[0]).toBe('界x');
  });
});

describe('pane viewport: scrollback and search without the terminal', () => {
  const filled = async () => {
    const term = terminal(30, 4);
    await write(term, Array.from({ length: 20 }, (_, i) => (i % 5 === 0 ? `line ${i} Error here` : `line ${i}`)).join('\r\n'));
    return { term, viewport: new TerminalViewport(term) };
  };

  it('knows how far back a pane can scroll', async () => {
    const { viewport } = await filled();
    expect(viewport.history).toBe(16);
    expect(rowsToText(viewport.rows({ scrollback: 16 }))).toEqual(['line 0 Error here', 'line 1', 'line 2', 'line 3']);
  });

  it('finds every occurrence, oldest first, case-insensitive unless the query has capitals', async () => {
    const { viewport } = await filled();
    expect(viewport.search('error')).toEqual([0, 5, 10, 15].map((line) => ({ line, column: line < 10 ? 7 : 8 })));
    expect(viewport.search('ERROR')).toEqual([]);
    expect(viewport.search('Error')).toHaveLength(4);
    expect(viewport.search('')).toEqual([]);
  });

  it('scrolls a match into the middle of the pane, or to live when it is on the screen', async () => {
    const { viewport } = await filled();
    const [first, , third, fourth] = viewport.search('error');
    expect(viewport.scrollbackFor(first!)).toBe(16);
    expect(rowsToText(viewport.rows({ scrollback: viewport.scrollbackFor(third!) }))).toContain('line 10 Error here');
    // Line 15 is the last line of history: scrolled to the middle as far as the history allows.
    expect(viewport.scrollbackFor(fourth!)).toBe(3);
    expect(viewport.scrollbackFor({ line: 17, column: 0 })).toBe(0); // on the live screen
  });

  it('marks the matches, and the current one apart', async () => {
    const { viewport } = await filled();
    const [, second] = viewport.search('error');
    const rows = viewport.rows({ scrollback: viewport.scrollbackFor(second!), highlight: 'error', current: second });
    const marked = rows.flat().filter((segment) => segment.bg);
    expect(marked.map((segment) => [segment.text, segment.bg])).toEqual([['Error', 'ansi256(208)']]);
    const others = viewport
      .rows({ scrollback: 16, highlight: 'error', current: second })
      .flat()
      .filter((segment) => segment.bg);
    expect(others.map((segment) => [segment.text, segment.bg])).toEqual([['Error', 'ansi256(220)']]);
  });

  it('finds text after a wide character and marks the right cells', async () => {
    const term = terminal(20, 2);
    await write(term, '界 find me');
    const viewport = new TerminalViewport(term);
    expect(viewport.search('find')).toEqual([{ line: 0, column: 3 }]);
    const [row] = viewport.rows({ highlight: 'find' });
    expect(row!.map((segment) => segment.text)).toEqual(['界 ', 'find', ' me']);
  });
});
