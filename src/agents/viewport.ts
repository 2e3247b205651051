import type { Terminal } from '@xterm/headless';

/**
 * A run of cells with the same look. Colours are Ink colour strings (`ansi256(n)`, `#rrggbb`,
 * or a named colour such as `cyan`).
 */
export interface Segment {
  text: string;
  fg?: string;
  bg?: string;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
  strikethrough?: boolean;
  inverse?: boolean;
}

export type StyledRow = Segment[];

export interface ViewportOptions {
  /** Lines scrolled back from the bottom (PgUp in a pane); 0 = live view. */
  scrollback?: number;
  /** Draw the cursor as an inverse cell (live view only). */
  showCursor?: boolean;
  /** Mark every occurrence of this text (a pane's search). */
  highlight?: string | undefined;
  /** The occurrence that is the search's current match, marked apart from the others. */
  current?: SearchMatch | undefined;
}

/** One occurrence of a search in a terminal's scrollback: its buffer line and its first cell. */
export interface SearchMatch {
  line: number;
  column: number;
}

/**
 * What a pane may read of an agent's screen: styled rows at a scroll position, how far back it
 * can scroll, and search. The UI gets this, never the terminal emulator behind it.
 */
export interface PaneViewport {
  /** Lines of history above the live screen (the most a pane can scroll back). */
  readonly history: number;
  /** The rows to draw, `scrollback` lines up from live (clamped to the history). */
  rows(options?: ViewportOptions): StyledRow[];
  /** Every occurrence of `query` in the history and the screen, oldest first (case-insensitive unless it has capitals). */
  search(query: string): SearchMatch[];
  /** The scroll position that shows `match` in the middle of the pane (0 when it is on the live screen). */
  scrollbackFor(match: SearchMatch): number;
}

const MATCH_STYLE = { fg: 'ansi256(16)', bg: 'ansi256(220)' } as const;
const CURRENT_MATCH_STYLE = { fg: 'ansi256(16)', bg: 'ansi256(208)' } as const;

type Cell = NonNullable<ReturnType<NonNullable<ReturnType<Terminal['buffer']['active']['getLine']>>['getCell']>>;
type Style = Omit<Segment, 'text'>;

const hex = (rgb: number) => `#${rgb.toString(16).padStart(6, '0')}`;

const colorOf = (cell: Cell, layer: 'fg' | 'bg'): string | undefined => {
  if (layer === 'fg') {
    if (cell.isFgRGB()) return hex(cell.getFgColor());
    if (cell.isFgPalette()) return `ansi256(${cell.getFgColor()})`;
    return undefined;
  }
  if (cell.isBgRGB()) return hex(cell.getBgColor());
  if (cell.isBgPalette()) return `ansi256(${cell.getBgColor()})`;
  return undefined;
};

const styleOf = (cell: Cell, cursor: boolean): Style => {
  const style: Style = {};
  const fg = colorOf(cell, 'fg');
  const bg = colorOf(cell, 'bg');
  if (fg) style.fg = fg;
  if (bg) style.bg = bg;
  if (cell.isBold()) style.bold = true;
  if (cell.isDim()) style.dim = true;
  if (cell.isItalic()) style.italic = true;
  if (cell.isUnderline()) style.underline = true;
  if (cell.isStrikethrough()) style.strikethrough = true;
  if (Boolean(cell.isInverse()) !== cursor) style.inverse = true;
  return style;
};

const sameStyle = (a: Style, b: Style) =>
  a.fg === b.fg &&
  a.bg === b.bg &&
  a.bold === b.bold &&
  a.dim === b.dim &&
  a.italic === b.italic &&
  a.underline === b.underline &&
  a.strikethrough === b.strikethrough &&
  a.inverse === b.inverse;

const isPlain = (segment: Segment) => !segment.bg && !segment.inverse && !segment.underline;

/** Case-insensitive unless the query has a capital letter (smart case, as in less and vim). */
const normalizer = (query: string) => (query === query.toLowerCase() ? (text: string) => text.toLowerCase() : (text: string) => text);

/** The cells [start, end) of each occurrence of `query` in a row whose cells hold `chars` ('' = a wide character's second half). */
const findInCells = (chars: readonly string[], query: string): [number, number][] => {
  const normalize = normalizer(query);
  const needle = normalize(query);
  if (!needle) return [];
  // Map string offsets back to cells: a wide character is one string char over two cells.
  let text = '';
  const cellAt: number[] = [];
  chars.forEach((char, x) => {
    for (let i = 0; i < char.length; i += 1) cellAt.push(x);
    text += char;
  });
  const haystack = normalize(text);
  const found: [number, number][] = [];
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + needle.length)) {
    const last = cellAt[at + needle.length - 1]!;
    found.push([cellAt[at]!, last + (chars[last + 1] === '' ? 2 : 1)]);
  }
  return found;
};

const cellChars = (terminal: Terminal, y: number): string[] => {
  const line = terminal.buffer.active.getLine(y);
  const chars: string[] = [];
  if (!line) return chars;
  let cell: Cell | undefined;
  for (let x = 0; x < terminal.cols; x += 1) {
    cell = line.getCell(x, cell);
    chars.push(cell && cell.getWidth() === 0 ? '' : cell?.getChars() || ' ');
  }
  return chars;
};

/**
 * The visible rows of a headless terminal as styled segments: equal-looking cells merged,
 * trailing blanks dropped, search matches marked. Pure: reads the buffer, changes nothing.
 */
export const serializeViewport = (terminal: Terminal, options: ViewportOptions = {}): StyledRow[] => {
  const buffer = terminal.buffer.active;
  const scrollback = Math.max(0, Math.min(options.scrollback ?? 0, buffer.baseY));
  const top = buffer.baseY - scrollback;
  const cursorRow = options.showCursor && scrollback === 0 ? buffer.baseY + buffer.cursorY : -1;
  const query = options.highlight ?? '';
  const rows: StyledRow[] = [];
  let cell: Cell | undefined;
  for (let y = top; y < top + terminal.rows; y += 1) {
    const line = buffer.getLine(y);
    const row: StyledRow = [];
    // Cells inside a match: 1 = a match, 2 = the current one.
    const marks = new Uint8Array(query ? terminal.cols : 0);
    if (line && query) {
      for (const [start, end] of findInCells(cellChars(terminal, y), query)) {
        const isCurrent = options.current?.line === y && options.current.column === start;
        marks.fill(isCurrent ? 2 : 1, start, end);
      }
    }
    if (line) {
      for (let x = 0; x < terminal.cols; x += 1) {
        cell = line.getCell(x, cell);
        if (!cell || cell.getWidth() === 0) continue; // second half of a wide character
        const isCursor = y === cursorRow && x === buffer.cursorX;
        const style = styleOf(cell, isCursor);
        if (marks[x]) {
          Object.assign(style, marks[x] === 2 ? CURRENT_MATCH_STYLE : MATCH_STYLE);
          delete style.inverse;
        }
        const text = cell.getChars() || ' ';
        const last = row.at(-1);
        if (last && sameStyle(last, style)) last.text += text;
        else row.push({ text, ...style });
      }
    }
    // Blank default-looking cells at the end carry nothing.
    const last = row.at(-1);
    if (last && isPlain(last)) {
      last.text = last.text.trimEnd();
      if (!last.text) row.pop();
    }
    rows.push(row);
  }
  return rows;
};

/** The rows as plain text (tests, headless fallbacks). */
export const rowsToText = (rows: readonly StyledRow[]): string[] => rows.map((row) => row.map((segment) => segment.text).join(''));

/** A pane's view of one headless terminal (see PaneViewport). */
export class TerminalViewport implements PaneViewport {
  constructor(private readonly terminal: Terminal) {}

  get history(): number {
    return this.terminal.buffer.active.baseY;
  }

  rows(options: ViewportOptions = {}): StyledRow[] {
    return serializeViewport(this.terminal, options);
  }

  search(query: string): SearchMatch[] {
    if (!query) return [];
    const matches: SearchMatch[] = [];
    const buffer = this.terminal.buffer.active;
    const normalize = normalizer(query);
    const needle = normalize(query);
    for (let y = 0; y < buffer.length; y += 1) {
      // Cheap test on the line's text first; cells only for the lines that match.
      const text = buffer.getLine(y)?.translateToString(true) ?? '';
      if (!normalize(text).includes(needle)) continue;
      for (const [column] of findInCells(cellChars(this.terminal, y), query)) matches.push({ line: y, column });
    }
    return matches;
  }

  scrollbackFor(match: SearchMatch): number {
    const { baseY } = this.terminal.buffer.active;
    if (match.line >= baseY) return 0;
    const top = match.line - Math.floor(this.terminal.rows / 2);
    return Math.max(0, Math.min(baseY, baseY - top));
  }
}
