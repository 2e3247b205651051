import type { LineState } from '../components/TextInput.js';
import { footerItems, footerRow } from '../keys/hints.js';
import { PROMPT_KEYS } from '../keys/keymap.js';
import type { StyledRow } from '../text/styledText.js';
import { frameInner, OverlayFrame } from './OverlayFrame.js';

/** One line of text asked for over the bottom of the screen (regenerate's feedback, a search). */
export const PromptOverlay = ({
  label,
  placeholder,
  line,
  width,
  height,
}: {
  label: string;
  placeholder: string;
  line: LineState;
  width: number;
  height: number;
}) => {
  const frameWidth = Math.max(20, width - 4);
  const inner = frameInner(frameWidth);
  const room = inner - 3; // `› ` and the cursor
  const { value, cursor } = line;
  // The cursor stays in view on a line longer than the box.
  const start = Math.max(0, cursor - room);
  const input: StyledRow = value
    ? [{ text: value.slice(start, cursor) }, { text: value[cursor] ?? ' ', inverse: true }, { text: value.slice(cursor + 1, start + room) }]
    : [
        { text: ' ', inverse: true },
        { text: placeholder.slice(0, room), dim: true },
      ];
  const rows: StyledRow[] = [[{ text: '› ', fg: 'cyan' }, ...input], footerRow(footerItems(PROMPT_KEYS, undefined), inner)];
  return <OverlayFrame title={label} rows={rows} screenWidth={width} screenHeight={height} width={frameWidth} place="bottom" />;
};
