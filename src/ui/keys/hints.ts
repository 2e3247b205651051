import { keyLabel } from './keys.js';
import type { Binding, Keymap } from './keymap.js';
import { textWidth, type StyledRow } from '../text/styledText.js';

/** One entry of a footer: keys, short text, and why it cannot act now (dimmed then). */
export interface FooterItem {
  keys: string;
  text: string;
  unavailable: string | undefined;
}

/** Joins key labels: arrows side by side (`↑↓`), other keys with a space. */
const joinKeys = (parts: string[]): string =>
  parts.reduce((out, part, i) => (i === 0 ? part : /^[↑↓←→]$/.test(part) && /[↑↓←→]$/.test(out) ? out + part : `${out} ${part}`), '');

/**
 * The footer's entries, from the keymap: neighbouring bindings with the same footer text share
 * one entry (`↑↓ PgUp PgDn scroll`), which is dimmed when none of them can act now.
 */
export const footerItems = <C>(keymap: Keymap<string, C>, context: C): FooterItem[] => {
  const items: (FooterItem & { parts: string[]; available: boolean })[] = [];
  for (const binding of keymap.bindings as readonly Binding<string, C>[]) {
    if (binding.footer === false) continue;
    const text = binding.footer ?? binding.label;
    const reason = binding.unavailable?.(context, undefined);
    const keys = binding.shown ?? binding.keys.map(keyLabel).join(' ');
    const last = items.at(-1);
    if (last && last.text === text) {
      last.parts.push(keys);
      last.keys = joinKeys(last.parts);
      last.available ||= !reason;
      last.unavailable = last.available ? undefined : (last.unavailable ?? reason);
      continue;
    }
    items.push({ keys, text, unavailable: reason, parts: [keys], available: !reason });
  }
  return items.map(({ keys, text, unavailable }) => ({ keys, text, unavailable }));
};

/** The entries as one styled row, as many as fit in `width` (help is kept: it lists the rest). */
export const footerRow = (items: FooterItem[], width: number): StyledRow => {
  const size = (item: FooterItem) => textWidth(item.keys) + 1 + textWidth(item.text);
  const help = items.find((item) => item.keys === '?');
  const room = width - (help ? size(help) + 2 : 0);
  const shown: FooterItem[] = [];
  let used = 0;
  for (const item of items) {
    if (item === help) continue;
    const cost = (shown.length > 0 ? 2 : 0) + size(item);
    if (used + cost > room) break;
    shown.push(item);
    used += cost;
  }
  if (help) shown.push(help);
  return shown.flatMap(
    (item, i): StyledRow => [
      ...(i > 0 ? [{ text: '  ' }] : []),
      item.unavailable ? { text: item.keys, dim: true } : { text: item.keys, bold: true, fg: 'cyan' },
      item.unavailable ? { text: ` ${item.text}`, dim: true } : { text: ` ${item.text}` },
    ],
  );
};
