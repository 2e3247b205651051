import type { ScreenLayer } from '../keys/KeyRouter.js';
import { footerItems, footerRow } from '../keys/hints.js';
import { HELP_KEYS, keysText, TEXT_EDITING, type Binding } from '../keys/keymap.js';
import { textWidth, wrapWords, type StyledRow } from '../text/styledText.js';
import { frameInner, OverlayFrame } from './OverlayFrame.js';

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
      const keyCell = (i === 0 ? keys : '') + ' '.repeat(Math.max(0, keysWidth - (i === 0 ? textWidth(keys) : 0)));
      rows.push([{ text: keyCell, ...(reason ? { dim: true } : { bold: true, fg: 'cyan' }) }, { text: '  ' }, ...row]);
    });
  }
  if (layer.editor) rows.push([{ text: ' '.repeat(keysWidth) }, { text: '  ' }, { text: `typing: ${TEXT_EDITING}`, dim: true }]);
  return rows;
};

/** `?`: every key of the screen under it, scrollable when the window is short. */
export const HelpOverlay = ({
  layer,
  scroll,
  notice,
  width,
  height,
}: {
  layer: ScreenLayer | undefined;
  scroll: number;
  notice: string | undefined;
  width: number;
  height: number;
}) => {
  const frameWidth = Math.min(width, 88);
  const inner = frameInner(frameWidth);
  const body = helpRows(layer, inner);
  const foot: StyledRow[] = [
    [],
    footerRow(footerItems(HELP_KEYS, undefined), inner),
    ...(notice ? wrapWords([{ text: notice, fg: 'yellow' }], inner) : []),
  ];
  const room = Math.max(1, height - 3 - foot.length);
  const top = Math.min(scroll, Math.max(0, body.length - room));
  const shown = body.slice(top, top + room);
  const position: StyledRow[] =
    body.length > room ? [[{ text: `${top + 1}-${top + shown.length} of ${body.length} · ↑↓ scroll`, dim: true }]] : [];
  return (
    <OverlayFrame
      title={`Keys · ${layer?.keymap.title ?? ''}`}
      rows={[...shown, ...position, ...foot]}
      screenWidth={width}
      screenHeight={height}
      width={frameWidth}
    />
  );
};
