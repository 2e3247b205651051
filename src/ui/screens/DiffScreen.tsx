import { Box, Text } from 'ink';
import { useMemo } from 'react';
import { Footer } from '../components/Footer.js';
import { useKeyState } from '../hooks/useKeyState.js';
import { useScreenKeys } from '../keys/KeyRouter.js';
import { DIFF_KEYS } from '../keys/keymap.js';
import { rowToAnsi, wrapCode, type StyledRow } from '../text/styledText.js';

const lineColor = (line: string): string | undefined =>
  line.startsWith('+++') || line.startsWith('---')
    ? 'white'
    : line.startsWith('+')
      ? 'green'
      : line.startsWith('-')
        ? 'red'
        : line.startsWith('@@')
          ? 'cyan'
          : undefined;

/** The patch as rows of at most `width` cells: long lines wrap (at spaces where they can), each in its line's colour. */
export const diffRows = (diff: string, width: number): StyledRow[] =>
  diff.split('\n').flatMap((line) => {
    const color = lineColor(line);
    const bold = line.startsWith('+++') || line.startsWith('---');
    return wrapCode(line, width).map(
      (piece): StyledRow => [{ text: piece || ' ', ...(color ? { fg: color } : {}), ...(bold ? { bold } : {}) }],
    );
  });

/** One agent's patch, scrollable. */
export const DiffScreen = ({
  title,
  diff,
  width,
  height,
  onBack,
}: {
  title: string;
  diff: string | undefined;
  width: number;
  height: number;
  onBack(): void;
}) => {
  const [at, setTop] = useKeyState(0);
  const lines = useMemo(() => diffRows(diff ?? 'loading…', Math.max(10, width)), [diff, width]);
  const bodyHeight = Math.max(3, height - 2);
  const max = Math.max(0, lines.length - bodyHeight);
  const top = Math.min(at, max);
  /** Moves from where the last key left the view (keys can come faster than renders). */
  const scrollBy = (lines: number) => setTop((at) => Math.max(0, Math.min(max, at + lines)));
  const keys = useScreenKeys(DIFF_KEYS, undefined, {
    lineUp: () => scrollBy(-1),
    lineDown: () => scrollBy(1),
    pageUp: () => scrollBy(-bodyHeight),
    pageDown: () => scrollBy(bodyHeight),
    top: () => setTop(() => 0),
    bottom: () => setTop(() => max),
    back: onBack,
  });
  return (
    <Box flexDirection="column" height={height}>
      <Text bold wrap="truncate">
        {title} {diff === '' ? <Text dimColor>(no changes)</Text> : null}
      </Text>
      <Box flexDirection="column" height={bodyHeight} overflow="hidden">
        {lines.slice(top, top + bodyHeight).map((line, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the line number in the diff is the identity
          <Box key={top + i} height={1} overflow="hidden">
            <Text wrap="truncate">{rowToAnsi(line)}</Text>
          </Box>
        ))}
      </Box>
      <Footer {...keys} />
    </Box>
  );
};
