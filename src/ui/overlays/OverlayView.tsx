import type { Overlay, ScreenLayer } from '../keys/KeyRouter.js';
import { CONFIRM_KEYS, HELP_KEYS, keysText, PROMPT_KEYS, TEXT_EDITING, type Binding, type Keymap } from '../keys/keymap.js';
import { footerItems, footerRow } from '../keys/hints.js';
import { textWidth, wrapWords, type StyledRow } from '../text/styledText.js';
import { frameInner, OverlayFrame } from './OverlayFrame.js';

interface OverlayViewProps {
  overlay: Overlay;
  /** The screen under the overlay (the help lists its keys). */
  layer: ScreenLayer | undefined;
  notice: string | undefined;
  width: number;
  height: number;
}

const hints = (keymap: Keymap<string, undefined>, width: number): StyledRow => footerRow(footerItems(keymap, undefined), width);

/**
 * The screen's keys, from its keymap: each binding with its keys, what it does, and, when it
 * cannot act now, why (dimmed).
 */
const helpRows = (layer: ScreenLayer | undefined, inner: number): StyledRow[] => {
  if (!layer) return [[{ text: 'This screen has no keys.' }]];
  const context = layer.context();
  const bindings = layer.keymap.bindings as readonly Binding<string, unknown>[];
  const keysWidth = Math.min(16, Math.max(...bindings.map((binding) => textWidth(keysText(binding as Binding<string, never>)))));
  const labelWidth = Math.max(10, inner - keysWidth - 2);
  const rows: StyledRow[] = [];
  for (const binding of bindings) {
    const reason = binding.unavailable?.(context, undefined);
    const keys = keysText(binding as Binding<string, never>);
    const label = wrapWords([{ text: binding.label, ...(reason ? { dim: true } : {}) }], labelWidth);
    const note = reason ? wrapWords([{ text: `now: ${reason}`, dim: true, italic: true }], labelWidth) : [];
    [...label, ...note].forEach((row, i) => {
      const keyCell = i === 0 ? keys.padEnd(keysWidth + Math.max(0, keys.length - textWidth(keys))) : ' '.repeat(keysWidth);
      rows.push([{ text: keyCell, ...(reason ? { dim: true } : { bold: true, fg: 'cyan' }) }, { text: '  ' }, ...row]);
    });
  }
  if (layer.editor) rows.push([{ text: ''.padEnd(keysWidth) }, { text: '  ' }, { text: `typing: ${TEXT_EDITING}`, dim: true }]);
  return rows;
};

/** The open overlay, drawn over the screen. */
export const OverlayView = ({ overlay, layer, notice, width, height }: OverlayViewProps) => {
  const noticeRows = (inner: number): StyledRow[] => (notice ? wrapWords([{ text: notice, fg: 'yellow' }], inner) : []);
  if (overlay.kind === 'help') {
    const frameWidth = Math.min(width, 88);
    const inner = frameInner(frameWidth);
    const body = helpRows(layer, inner);
    const foot: StyledRow[] = [[], hints(HELP_KEYS, inner), ...noticeRows(inner)];
    const room = Math.max(1, height - 2 - foot.length);
    const scroll = Math.min(overlay.scroll, Math.max(0, body.length - room));
    const shown = body.slice(scroll, scroll + room);
    const more = body.length > room ? [[{ text: `${scroll + 1}-${scroll + shown.length} of ${body.length} · ↑↓ scroll`, dim: true }] as StyledRow] : [];
    return (
      <OverlayFrame
        title={`Keys · ${layer?.keymap.title ?? ''}`}
        rows={[...shown, ...(more.length > 0 ? more : []), ...foot].slice(0, Math.max(1, height - 2))}
        screenWidth={width}
        screenHeight={height}
        width={frameWidth}
      />
    );
  }
  if (overlay.kind === 'confirm') {
    const frameWidth = Math.min(width, Math.max(44, textWidth(overlay.question) + 4));
    const inner = frameInner(frameWidth);
    const rows = [...wrapWords([{ text: overlay.question, bold: true }], inner), [], hints(CONFIRM_KEYS, inner), ...noticeRows(inner)];
    return <OverlayFrame title="Question" rows={rows} screenWidth={width} screenHeight={height} width={frameWidth} color="yellow" />;
  }
  const frameWidth = Math.max(20, width - 4);
  const inner = frameInner(frameWidth);
  const { value, cursor } = overlay.line;
  // The end of a long line stays in view.
  const start = Math.max(0, cursor - (inner - 2));
  const input: StyledRow = value
    ? [{ text: value.slice(start, cursor) }, { text: value[cursor] ?? ' ', inverse: true }, { text: value.slice(cursor + 1, start + inner - 1) }]
    : [{ text: ' ', inverse: true }, { text: overlay.placeholder.slice(0, inner - 1), dim: true }];
  const rows: StyledRow[] = [[{ text: '› ', fg: 'cyan' }, ...input], hints(PROMPT_KEYS, inner)];
  return <OverlayFrame title={overlay.label} rows={rows} screenWidth={width} screenHeight={height} width={frameWidth} place="bottom" />;
};
