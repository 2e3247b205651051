import { Box, Text } from 'ink';
import { KEYMAP, type ScreenName } from '../keys/keymap.js';

/** `?`: every key of the current screen, from the same keymap the footer shows. */
export const HelpOverlay = ({ screen }: { screen: ScreenName }) => (
  <Box flexDirection="column" borderStyle="round" borderColor="cyan" paddingX={1}>
    <Text bold>Keys — {screen}</Text>
    {KEYMAP[screen].map((hint) => (
      <Text key={hint.keys}>
        <Text color="cyan">{hint.keys.padEnd(14)}</Text> {hint.action}
      </Text>
    ))}
    <Text dimColor>any key closes this help</Text>
  </Box>
);
