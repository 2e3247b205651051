import { Box, Text } from 'ink';
import { KEYMAP, type ScreenName } from '../keys/keymap.js';

/** The current screen's keys, on one line. */
export const Footer = ({ screen, note }: { screen: ScreenName; note?: string | undefined }) => (
  <Box height={1} overflow="hidden">
    <Text wrap="truncate">
      {note ? <Text color="yellow">{note} </Text> : null}
      {KEYMAP[screen].map((hint, i) => (
        <Text key={hint.keys}>
          {i > 0 ? '  ' : ''}
          <Text bold color="cyan">
            {hint.keys}
          </Text>{' '}
          <Text dimColor>{hint.action}</Text>
        </Text>
      ))}
    </Text>
  </Box>
);
