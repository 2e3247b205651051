import { Box, Text } from 'ink';
import { padRow, rowToAnsi, textWidth, type StyledRow } from '../text/styledText.js';

export interface OverlayFrameProps {
  title: string;
  /** The content, already wrapped to `width - 4` cells. */
  rows: StyledRow[];
  /** The window. */
  screenWidth: number;
  screenHeight: number;
  width: number;
  /** Where the box sits: the middle of the window, or just above its last line. */
  place?: 'middle' | 'bottom';
  color?: string;
}

/** The inner width of a frame `width` cells wide (border and a space each side). */
export const frameInner = (width: number): number => Math.max(1, width - 4);

/**
 * A bordered box drawn over the screen (which stays mounted under it). Every cell of it is
 * written, blanks included, so nothing of the screen shows through.
 */
export const OverlayFrame = ({ title, rows, screenWidth, screenHeight, width, place = 'middle', color = 'cyan' }: OverlayFrameProps) => {
  const inner = frameInner(width);
  const visible = rows.slice(0, Math.max(1, screenHeight - 2));
  const height = visible.length + 2;
  const top = place === 'bottom' ? Math.max(0, screenHeight - height - 1) : Math.max(0, Math.floor((screenHeight - height) / 2));
  const left = Math.max(0, Math.floor((screenWidth - width) / 2));
  const heading = ` ${title} `.slice(0, inner);
  const border = (text: string) => ({ text, fg: color });
  const lines: StyledRow[] = [
    [border('╭─'), { text: heading, fg: color, bold: true }, border(`${'─'.repeat(Math.max(0, inner + 1 - textWidth(heading)))}╮`)],
    ...visible.map((row): StyledRow => [border('│ '), ...padRow(row, inner), border(' │')]),
    [border(`╰${'─'.repeat(inner + 2)}╯`)],
  ];
  return (
    <Box position="absolute" top={top} left={left} width={width} height={height} flexDirection="column">
      {lines.map((line, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the row number in the overlay is the identity
        <Box key={i} height={1} width={width} overflow="hidden">
          <Text wrap="truncate">{rowToAnsi(line)}</Text>
        </Box>
      ))}
    </Box>
  );
};
