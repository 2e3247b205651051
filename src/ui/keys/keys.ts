import type { Key } from 'ink';

/** One key as Ink reports it. */
export interface KeyPress {
  input: string;
  key: Key;
}

export type NamedKey = 'up' | 'down' | 'pageUp' | 'pageDown' | 'home' | 'end' | 'return' | 'escape' | 'tab' | 'space';

/** A key a binding answers to: a named key, or a character, either with Ctrl or Shift. */
export interface KeyCombo {
  name?: NamedKey;
  char?: string;
  ctrl?: boolean;
  shift?: boolean;
}

const KEY_FLAG: Record<Exclude<NamedKey, 'space'>, keyof Key> = {
  up: 'upArrow',
  down: 'downArrow',
  pageUp: 'pageUp',
  pageDown: 'pageDown',
  home: 'home',
  end: 'end',
  return: 'return',
  escape: 'escape',
  tab: 'tab',
};

/** Whether `press` is the key `combo` names. */
export const matchesKey = (combo: KeyCombo, { input, key }: KeyPress): boolean => {
  if (combo.name === 'space') return input === ' ' && !key.ctrl && !key.meta;
  if (combo.name)
    return Boolean(key[KEY_FLAG[combo.name]]) && Boolean(combo.shift) === Boolean(key.shift) && Boolean(combo.ctrl) === Boolean(key.ctrl);
  if (combo.ctrl) return Boolean(key.ctrl) && input.toLowerCase() === combo.char;
  return input === combo.char && !key.ctrl && !key.meta;
};

const NAMED_LABEL: Record<NamedKey, string> = {
  up: '↑',
  down: '↓',
  pageUp: 'PgUp',
  pageDown: 'PgDn',
  home: 'Home',
  end: 'End',
  return: 'Enter',
  escape: 'Esc',
  tab: 'Tab',
  space: 'Space',
};

/** How the footer, the help and the README write a key: `↑`, `PgUp`, `Shift-Tab`, `Ctrl-C`, `a`. */
export const keyLabel = (combo: KeyCombo): string => {
  const base = combo.name ? NAMED_LABEL[combo.name] : combo.ctrl ? combo.char!.toUpperCase() : combo.char!;
  return `${combo.ctrl ? 'Ctrl-' : ''}${combo.shift && combo.name ? 'Shift-' : ''}${base}`;
};

const NAMED_BYTES: Record<NamedKey, string> = {
  up: '\x1b[A',
  down: '\x1b[B',
  pageUp: '\x1b[5~',
  pageDown: '\x1b[6~',
  home: '\x1b[H',
  end: '\x1b[F',
  return: '\r',
  escape: '\x1b',
  tab: '\t',
  space: ' ',
};

/** The bytes a terminal sends for the key (tests press keys with these). */
export const keyBytes = (combo: KeyCombo): string => {
  if (combo.name === 'tab' && combo.shift) return '\x1b[Z';
  if (combo.name) return NAMED_BYTES[combo.name];
  if (combo.ctrl) return String.fromCharCode(combo.char!.toUpperCase().charCodeAt(0) & 0x1f);
  return combo.char!;
};

/** Shorthands for the keymaps. */
export const key = (name: NamedKey, modifiers: { shift?: boolean; ctrl?: boolean } = {}): KeyCombo => ({ name, ...modifiers });
export const char = (c: string): KeyCombo => ({ char: c });
export const ctrl = (c: string): KeyCombo => ({ char: c.toLowerCase(), ctrl: true });
export const digits: KeyCombo[] = [...'123456789'].map(char);

/** Ctrl-] leaves focus mode (bare Esc belongs to aider). */
export const LEAVE_FOCUS_BYTE = '\x1d';

/** An SGR mouse report (`ESC [ < b ; x ; y M`, `m` for a release). */
export interface MouseEvent {
  /** The wheel, a press of the left button, or anything else (releases, other buttons). */
  kind: 'wheelUp' | 'wheelDown' | 'press' | 'other';
  /** 0-based cell of the pointer. */
  x: number;
  y: number;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: mouse reports start with ESC
const MOUSE_REPORTS = /\x1b\[<(\d+);(\d+);(\d+)([Mm])/g;

/** The mouse reports in a chunk of raw input. */
export const mouseReports = (data: string): MouseEvent[] =>
  [...data.matchAll(MOUSE_REPORTS)].map((match) => {
    const button = Number(match[1]) & ~(4 | 8 | 16); // without Shift, Meta, Ctrl
    const kind = button === 64 ? 'wheelUp' : button === 65 ? 'wheelDown' : button === 0 && match[4] === 'M' ? 'press' : 'other';
    return { kind, x: Number(match[2]) - 1, y: Number(match[3]) - 1 };
  });

/** Raw input without mouse reports (focus mode: aider must not receive them as typing). */
export const withoutMouseReports = (data: string): string => data.replace(MOUSE_REPORTS, '');

/** Mouse reporting on (button presses and the wheel, SGR coordinates) / off. */
export const MOUSE_ON = '\x1b[?1000h\x1b[?1006h';
export const MOUSE_OFF = '\x1b[?1006l\x1b[?1000l';
