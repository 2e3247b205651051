import { Box, Text } from 'ink';
import { useKeys } from '../hooks/useKeys.js';
import { useState } from 'react';
import { Footer } from '../components/Footer.js';

const lineColor = (line: string): string | undefined =>
  line.startsWith('+++') || line.startsWith('---') ? 'white' : line.startsWith('+') ? 'green' : line.startsWith('-') ? 'red' : line.startsWith('@@') ? 'cyan' : undefined;

/** One agent's patch, scrollable. */
export const DiffScreen = ({ title, diff, height, onBack }: { title: string; diff: string | undefined; height: number; onBack(): void }) => {
  const [top, setTop] = useState(0);
  const lines = (diff ?? 'loading…').split('\n');
  const bodyHeight = Math.max(3, height - 2);
  const max = Math.max(0, lines.length - bodyHeight);
  useKeys((input, key) => {
    if (key.upArrow) setTop(Math.max(0, top - 1));
    if (key.downArrow) setTop(Math.min(max, top + 1));
    if (key.pageUp) setTop(Math.max(0, top - bodyHeight));
    if (key.pageDown) setTop(Math.min(max, top + bodyHeight));
    if (key.escape || input === 'q' || input === 'b') onBack();
  });
  return (
    <Box flexDirection="column" height={height}>
      <Text bold wrap="truncate">
        {title} {diff === '' ? <Text dimColor>(no changes)</Text> : null}
      </Text>
      <Box flexDirection="column" height={bodyHeight} overflow="hidden">
        {lines.slice(top, top + bodyHeight).map((line, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the line number in the diff is the identity
          <Text key={top + i} color={lineColor(line)} wrap="truncate">
            {line || ' '}
          </Text>
        ))}
      </Box>
      <Footer screen="diff" />
    </Box>
  );
};
