import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serializeViewport, type Segment } from '../src/agents/viewport.js';
import { findTestAider } from '../test/support/aider.js';
import { CLI_MAIN } from '../test/support/cli.js';
import { PtyScreen } from '../test/support/ptyScreen.js';

/**
 * `npm run screenshot`: runs the offline demo in a real pty (160×45), waits until every agent
 * is at work, and writes the screen as an SVG to docs/dashboard.svg (colours from the
 * terminal buffer, the same cells the panes draw).
 */
const COLS = 160;
const ROWS = 45;
const CELL_W = 8.4;
const CELL_H = 17;
const FG = '#d4d4d4';
const BG = '#1e1e1e';
const BASE16 = [
  '#000000',
  '#cd3131',
  '#0dbc79',
  '#e5e510',
  '#2472c8',
  '#bc3fbc',
  '#11a8cd',
  '#e5e5e5',
  '#666666',
  '#f14c4c',
  '#23d18b',
  '#f5f543',
  '#3b8eea',
  '#d670d6',
  '#29b8db',
  '#ffffff',
];

const palette = (n: number): string => {
  if (n < 16) return BASE16[n]!;
  if (n >= 232) {
    const v = 8 + (n - 232) * 10;
    return `rgb(${v},${v},${v})`;
  }
  const i = n - 16;
  const level = (x: number) => (x === 0 ? 0 : 55 + x * 40);
  return `rgb(${level(Math.floor(i / 36))},${level(Math.floor(i / 6) % 6)},${level(i % 6)})`;
};
const color = (value: string | undefined, fallback: string) => {
  if (!value) return fallback;
  const index = /^ansi256\((\d+)\)$/.exec(value);
  return index ? palette(Number(index[1])) : value;
};
const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const toSvg = (rows: Segment[][]): string => {
  const parts: string[] = [];
  rows.forEach((row, y) => {
    let x = 0;
    for (const segment of row) {
      const width = [...segment.text].length;
      let fg = color(segment.fg, FG);
      let bg = segment.bg ? color(segment.bg, BG) : undefined;
      if (segment.inverse) [fg, bg] = [bg ?? BG, fg];
      if (bg)
        parts.push(
          `<rect x="${(x * CELL_W).toFixed(1)}" y="${y * CELL_H}" width="${(width * CELL_W).toFixed(1)}" height="${CELL_H}" fill="${bg}"/>`,
        );
      if (segment.text.trim()) {
        parts.push(
          `<text x="${(x * CELL_W).toFixed(1)}" y="${y * CELL_H + 13}" fill="${fg}"${segment.bold ? ' font-weight="bold"' : ''}${segment.dim ? ' opacity="0.6"' : ''} xml:space="preserve">${escapeXml(segment.text)}</text>`,
        );
      }
      x += width;
    }
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${COLS * CELL_W}" height="${ROWS * CELL_H}" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="14">
<rect width="100%" height="100%" fill="${BG}"/>
${parts.join('\n')}
</svg>
`;
};

const main = async () => {
  const aider = findTestAider();
  if ('skip' in aider) throw new Error(aider.skip);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ao-shot-'));
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    TERM: 'xterm-256color',
    TMPDIR: home,
    AIDER_ORCHESTRATOR_DATA_DIR: path.join(home, 'data'),
    AIDER_ORCHESTRATOR_CONFIG_DIR: path.join(home, 'config'),
    AIDER_ORCHESTRATOR_AIDER_BIN: aider.bin,
  };
  const screen = new PtyScreen(process.execPath, [CLI_MAIN, 'demo'], { cwd: home, env, cols: COLS, rows: ROWS });
  try {
    await screen.waitFor('PRD ready');
    screen.press('a');
    await screen.waitFor('File assignment');
    screen.press('\r');
    // Mid-turn: the model is typing its edits into every pane.
    await screen.waitFor(/(?=[\s\S]*#1 ● working)(?=[\s\S]*#2 ● working)(?=[\s\S]*#3 ● working)(?=(?:[\s\S]*reorder){3})/, 120_000);
    const out = path.resolve('docs/dashboard.svg');
    fs.writeFileSync(out, toSvg(serializeViewport(screen.screen)));
    console.log(`wrote ${out}`);
  } finally {
    await screen.close();
    fs.rmSync(home, { recursive: true, force: true });
  }
};

await main();
