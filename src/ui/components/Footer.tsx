import { Box, Text, useWindowSize } from 'ink';
import { useKeyNotice } from '../keys/KeyRouter.js';
import { footerItems, footerRow } from '../keys/hints.js';
import type { Keymap } from '../keys/keymap.js';
import { rowToAnsi, textWidth } from '../text/styledText.js';

/** The current screen's keys on one line, generated from its keymap; or the reason the last key could not act. */
export const Footer = <C,>({ keymap, context, note }: { keymap: Keymap<string, C>; context: C; note?: string | undefined }) => {
  const { columns } = useWindowSize();
  const notice = useKeyNotice();
  const items = footerItems(keymap, context);
  return (
    <Box height={1} overflow="hidden">
      {notice ? (
        <Text color="yellow" wrap="truncate">
          {notice}
        </Text>
      ) : (
        <Text wrap="truncate">
          {note ? <Text color="yellow">{note} </Text> : null}
          {rowToAnsi(footerRow(items, columns - (note ? textWidth(note) + 1 : 0)))}
        </Text>
      )}
    </Box>
  );
};
