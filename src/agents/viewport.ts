import type { Terminal } from '@xterm/headless';

/** A run of cells with the same look. Colours are Ink colour strings (`ansi256(n)`, `#rrggbb`). */
export interface Segment {
  text: string;
  fg?: string;
  bg?: string;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
  inverse?: boolean;
}

export type StyledRow = Segment[];

export interface ViewportOptions {
  /** Lines scrolled back from the bottom (PgUp in a pane); 0 = live view. */
  scrollback?: number;
  /** Draw the cursor as an inverse cell (live view only). */
  showCursor?: boolean;
}

type Cell = NonNullable<ReturnType<NonNullable<ReturnType<Terminal['buffer']['active']['getLine']>>['getCell']>>;

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

const styleOf = (cell: Cell, cursor: boolean): Omit<Segment, 'text'> => {
  const style: Omit<Segment, 'text'> = {};
  const fg = colorOf(cell, 'fg');
  const bg = colorOf(cell, 'bg');
  if (fg) style.fg = fg;
  if (bg) style.bg = bg;
  if (cell.isBold()) style.bold = true;
  if (cell.isDim()) style.dim = true;
  if (cell.isItalic()) style.italic = true;
  if (cell.isUnderline()) style.underline = true;
  if (Boolean(cell.isInverse()) !== cursor) style.inverse = true;
  return style;
};

const sameStyle = (a: Omit<Segment, 'text'>, b: Omit<Segment, 'text'>) =>
  a.fg === b.fg && a.bg === b.bg && a.bold === b.bold && a.dim === b.dim && a.italic === b.italic && a.underline === b.underline && a.inverse === b.inverse;

const isPlain = (segment: Segment) => !segment.bg && !segment.inverse && !segment.underline;

/**
 * The visible rows of a headless terminal as styled segments: equal-looking cells merged,
 * trailing blanks dropped. Pure: reads the buffer, changes nothing.
 */
export const serializeViewport = (terminal: Terminal, options: ViewportOptions = {}): StyledRow[] => {
  const buffer = terminal.buffer.active;
  const scrollback = Math.max(0, Math.min(options.scrollback ?? 0, buffer.baseY));
  const top = buffer.baseY - scrollback;
  const cursorRow = options.showCursor && scrollback === 0 ? buffer.baseY + buffer.cursorY : -1;
  const rows: StyledRow[] = [];
  let cell: Cell | undefined;
  for (let y = top; y < top + terminal.rows; y += 1) {
    const line = buffer.getLine(y);
    const row: StyledRow = [];
    if (line) {
      for (let x = 0; x < terminal.cols; x += 1) {
        cell = line.getCell(x, cell);
        if (!cell || cell.getWidth() === 0) continue; // second half of a wide character
        const isCursor = y === cursorRow && x === buffer.cursorX;
        const style = styleOf(cell, isCursor);
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

const sgrColor = (color: string, layer: 'fg' | 'bg'): string => {
  const palette = /^ansi256\((\d+)\)$/.exec(color);
  if (palette) return `${layer === 'fg' ? 38 : 48};5;${palette[1]}`;
  const rgb = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (rgb) return `${layer === 'fg' ? 38 : 48};2;${parseInt(rgb[1]!, 16)};${parseInt(rgb[2]!, 16)};${parseInt(rgb[3]!, 16)}`;
  return '';
};

/**
 * One row as a string with SGR escape codes. A pane draws each row as one Ink <Text>:
 * one node per row instead of one per segment keeps layout cheap with many busy panes.
 */
export const rowToAnsi = (row: StyledRow): string => {
  let out = '';
  for (const segment of row) {
    const codes = [
      segment.bold ? '1' : '',
      segment.dim ? '2' : '',
      segment.italic ? '3' : '',
      segment.underline ? '4' : '',
      segment.inverse ? '7' : '',
      segment.fg ? sgrColor(segment.fg, 'fg') : '',
      segment.bg ? sgrColor(segment.bg, 'bg') : '',
    ].filter(Boolean);
    out += codes.length > 0 ? `\x1b[${codes.join(';')}m${segment.text}\x1b[0m` : segment.text;
  }
  return out;
};
