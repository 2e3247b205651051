import type { Segment, StyledRow } from '../../agents/viewport.js';

export type { Segment, StyledRow };

const NAMED_COLORS: Record<string, number> = {
  black: 30,
  red: 31,
  green: 32,
  yellow: 33,
  blue: 34,
  magenta: 35,
  cyan: 36,
  white: 37,
  gray: 90,
  grey: 90,
};

const sgrColor = (color: string, layer: 'fg' | 'bg'): string => {
  const palette = /^ansi256\((\d+)\)$/.exec(color);
  if (palette) return `${layer === 'fg' ? 38 : 48};5;${palette[1]}`;
  const rgb = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (rgb) return `${layer === 'fg' ? 38 : 48};2;${parseInt(rgb[1]!, 16)};${parseInt(rgb[2]!, 16)};${parseInt(rgb[3]!, 16)}`;
  const named = NAMED_COLORS[color];
  if (named !== undefined) return String(layer === 'fg' ? named : named + 10);
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
      segment.strikethrough ? '9' : '',
      segment.fg ? sgrColor(segment.fg, 'fg') : '',
      segment.bg ? sgrColor(segment.bg, 'bg') : '',
    ].filter(Boolean);
    out += codes.length > 0 ? `\x1b[${codes.join(';')}m${segment.text}\x1b[0m` : segment.text;
  }
  return out;
};

/** Cells a code point takes in a terminal: 0 for combining marks, 2 for East Asian wide and emoji, else 1. */
const codePointWidth = (cp: number): number => {
  if (cp < 0x300) return 1;
  if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0xfe00 && cp <= 0xfe0f)) return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
};

/** Cells `text` takes in a terminal. */
export const textWidth = (text: string): number => {
  let width = 0;
  for (const char of text) width += codePointWidth(char.codePointAt(0)!);
  return width;
};

export const rowWidth = (row: StyledRow): number => row.reduce((sum, segment) => sum + textWidth(segment.text), 0);

export const rowText = (row: StyledRow): string => row.map((segment) => segment.text).join('');

const styleOf = ({ text: _text, ...style }: Segment): Omit<Segment, 'text'> => style;

/** Appends text to a row, merging it into the last segment when the style is the same. */
const append = (row: StyledRow, text: string, style: Omit<Segment, 'text'>): void => {
  if (!text) return;
  const last = row.at(-1);
  if (last && JSON.stringify(styleOf(last)) === JSON.stringify(style)) last.text += text;
  else row.push({ text, ...style });
};

/** Cuts text into pieces of at most `width` cells (a word longer than a line, a code line). */
const splitAtWidth = (text: string, width: number): string[] => {
  const pieces: string[] = [];
  let piece = '';
  let used = 0;
  for (const char of text) {
    const w = codePointWidth(char.codePointAt(0)!);
    if (used + w > width && piece) {
      pieces.push(piece);
      piece = '';
      used = 0;
    }
    piece += char;
    used += w;
  }
  if (piece) pieces.push(piece);
  return pieces;
};

/** A word: consecutive non-space text, possibly in several styles (`**bold**ness`). */
type Word = { parts: Segment[]; width: number };

const wordsOf = (row: StyledRow): Word[] => {
  const words: Word[] = [];
  let current: Word | undefined;
  for (const segment of row) {
    for (const piece of segment.text.split(/(\s+)/)) {
      if (!piece) continue;
      if (/^\s+$/.test(piece)) {
        current = undefined;
        continue;
      }
      if (!current) {
        current = { parts: [], width: 0 };
        words.push(current);
      }
      current.parts.push({ ...segment, text: piece });
      current.width += textWidth(piece);
    }
  }
  return words;
};

/**
 * Word-wraps a styled row to `width` cells: words move whole to the next line, runs of spaces
 * become one, and only a word longer than a whole line is cut. Rows are never wider than `width`.
 */
export const wrapWords = (row: StyledRow, width: number): StyledRow[] => {
  const max = Math.max(1, width);
  const lines: StyledRow[] = [];
  let line: StyledRow = [];
  let used = 0;
  const newLine = () => {
    lines.push(line);
    line = [];
    used = 0;
  };
  let previous: Word | undefined;
  for (const word of wordsOf(row)) {
    if (used > 0 && used + 1 + word.width > max) newLine();
    if (used > 0) {
      // The space between two words of one style has that style (an underlined link stays one line).
      const before = previous ? styleOf(previous.parts.at(-1)!) : {};
      const after = styleOf(word.parts[0]!);
      append(line, ' ', JSON.stringify(before) === JSON.stringify(after) ? after : {});
      used += 1;
    }
    previous = word;
    if (word.width <= max - used) {
      for (const part of word.parts) append(line, part.text, styleOf(part));
      used += word.width;
      continue;
    }
    // Longer than a line: cut it, filling lines.
    for (const part of word.parts) {
      for (const char of part.text) {
        const w = codePointWidth(char.codePointAt(0)!);
        if (used + w > max) newLine();
        append(line, char, styleOf(part));
        used += w;
      }
    }
  }
  if (line.length > 0 || lines.length === 0) lines.push(line);
  return lines;
};

/**
 * Wraps one line of code or a diff to `width` cells: breaks at spaces where it can (the space at a
 * break is dropped), keeps indentation and runs of spaces, and cuts only a run longer than a line.
 */
export const wrapCode = (text: string, width: number): string[] => {
  const max = Math.max(1, width);
  const lines: string[] = [];
  let line = '';
  let used = 0;
  for (const token of text.split(/(\s+)/)) {
    if (!token) continue;
    const w = textWidth(token);
    if (used + w <= max) {
      line += token;
      used += w;
    } else if (/^\s+$/.test(token)) {
      lines.push(line);
      line = '';
      used = 0;
    } else if (w <= max) {
      lines.push(line.trimEnd());
      line = token;
      used = w;
    } else {
      for (const piece of splitAtWidth(token, max)) {
        if (used + textWidth(piece) > max) {
          lines.push(line);
          line = '';
          used = 0;
        }
        const room = splitAtWidth(piece, max - used);
        line += room[0] ?? '';
        used += textWidth(room[0] ?? '');
        for (const more of room.slice(1)) {
          lines.push(line);
          line = more;
          used = textWidth(more);
        }
      }
    }
  }
  lines.push(line);
  return lines;
};

/** Pads a row with plain spaces to `width` cells (overlays cover what is under them). */
export const padRow = (row: StyledRow, width: number): StyledRow => {
  const missing = width - rowWidth(row);
  return missing > 0 ? [...row, { text: ' '.repeat(missing) }] : row;
};
