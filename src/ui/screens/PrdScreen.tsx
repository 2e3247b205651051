import { Box, Text } from 'ink';
import { useMemo } from 'react';
import { Footer } from '../components/Footer.js';
import { useKeyState } from '../hooks/useKeyState.js';
import { useRunStore } from '../hooks/useRunStore.js';
import { useSpinner } from '../hooks/useSpinner.js';
import { useOverlays, useScreenKeys } from '../keys/KeyRouter.js';
import { PRD_KEYS } from '../keys/keymap.js';
import { renderMarkdown } from '../text/markdown.js';
import { rowToAnsi } from '../text/styledText.js';

export interface PrdScreenProps {
  height: number;
  width: number;
  onApprove(): void;
  onEdit(): void;
  onRegenerate(feedback: string): void;
  onCancel(): void;
  error: string | undefined;
}

/** The PRD as Gemini streams it, rendered as markdown; then approve / edit / regenerate / cancel. */
export const PrdScreen = ({ height, width, onApprove, onEdit, onRegenerate, onCancel, error }: PrdScreenProps) => {
  const { run } = useRunStore();
  const overlays = useOverlays();
  const [scroll, setScroll] = useKeyState(0);
  const streaming = run.phase === 'prd' && !error;
  const working = run.phase === 'planning';
  const spinner = useSpinner(streaming || working);
  const bodyHeight = Math.max(3, height - 4);
  const visible = bodyHeight - 2;
  const lines = useMemo(() => renderMarkdown(run.prd, Math.max(20, width)), [run.prd, width]);
  const maxScroll = Math.max(0, lines.length - visible);
  // While streaming, follow the end; after, keep the reader's position.
  const top = streaming ? maxScroll : Math.min(scroll, maxScroll);
  /** Moves from where the last key left the view (keys can come faster than renders). */
  const scrollBy = (lines: number) =>
    setScroll((at) => Math.max(0, Math.min(maxScroll, (streaming ? maxScroll : Math.min(at, maxScroll)) + lines)));

  const keys = useScreenKeys(
    PRD_KEYS,
    { phase: run.phase, failed: Boolean(error) },
    {
      lineUp: () => scrollBy(-1),
      lineDown: () => scrollBy(1),
      pageUp: () => scrollBy(-visible),
      pageDown: () => scrollBy(visible),
      top: () => setScroll(() => 0),
      bottom: () => setScroll(() => maxScroll),
      approve: onApprove,
      edit: onEdit,
      regenerate: () =>
        overlays.prompt({
          label: 'What should change in the PRD?',
          placeholder: 'feedback for the next version',
          onSubmit: (feedback) =>
            feedback.trim() ? onRegenerate(feedback.trim()) : overlays.notify('no feedback typed: the PRD stays as it is'),
        }),
      cancel: onCancel,
    },
  );

  const status = streaming
    ? `${spinner} Writing the PRD with ${run.settings.prdModel}… ≈${Math.round(run.prd.length / 4)} tokens so far`
    : working
      ? `${spinner} Planning the agents' tasks…`
      : run.phase === 'prd'
        ? 'The PRD could not be written'
        : `PRD ready (${lines.length} lines${maxScroll > 0 ? `, ${top + 1}-${Math.min(lines.length, top + visible)} shown` : ''}) — review it`;
  return (
    <Box flexDirection="column" height={height}>
      <Text bold wrap="truncate">
        PRD · {run.change}
      </Text>
      <Text color={streaming || working ? 'yellow' : run.phase === 'prd' ? 'red' : 'green'} wrap="truncate">
        {status}
      </Text>
      <Box
        flexDirection="column"
        height={bodyHeight}
        borderStyle="single"
        borderColor="gray"
        borderLeft={false}
        borderRight={false}
        overflow="hidden"
      >
        {lines.slice(top, top + visible).map((line, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the line number in the PRD is the identity
          <Box key={top + i} height={1} overflow="hidden">
            <Text wrap="truncate">{rowToAnsi(line) || ' '}</Text>
          </Box>
        ))}
      </Box>
      <Text color="red" wrap="truncate">
        {error ?? ' '}
      </Text>
      <Footer {...keys} />
    </Box>
  );
};
