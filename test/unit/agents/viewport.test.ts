import xterm from '@xterm/headless';
import { describe, expect, it } from 'vitest';
import { rowsToText, serializeViewport } from '../../src/ui/terminal/serialize.js';

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
