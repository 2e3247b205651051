import { Box, Text } from 'ink';
import { useKeys } from '../hooks/useKeys.js';
import { useState } from 'react';
import { Footer } from '../components/Footer.js';
import { TextInput } from '../components/TextInput.js';
import { useRunStore } from '../hooks/useRunStore.js';
import { useSpinner } from '../hooks/useSpinner.js';

export interface PrdScreenProps {
  height: number;
  width: number;
  onApprove(): void;
  onEdit(): void;
  onRegenerate(feedback: string): void;
  onCancel(): void;
  error: string | undefined;
  helpOpen: boolean;
}

/** Wraps text to the width so scrolling counts screen lines. */
const wrapLines = (text: string, width: number): string[] =>
  text.split('\n').flatMap((line) => {
    if (line.length <= width) return [line];
    const parts: string[] = [];
    for (let i = 0; i < line.length; i += width) parts.push(line.slice(i, i + width));
    return parts;
  });

/** The PRD as Gemini streams it, then approve / edit / regenerate / cancel. */
export const PrdScreen = ({ height, width, onApprove, onEdit, onRegenerate, onCancel, error, helpOpen }: PrdScreenProps) => {
  const { run } = useRunStore();
  const [scroll, setScroll] = useState(0);
  const [askingFeedback, setAskingFeedback] = useState(false);
  const streaming = run.phase === 'prd';
  const working = run.phase === 'planning';
  const spinner = useSpinner(streaming || working);
  const bodyHeight = Math.max(3, height - 5);
  const lines = wrapLines(run.prd, Math.max(20, width - 2));
  const maxScroll = Math.max(0, lines.length - bodyHeight);
  // While streaming, follow the end; after, keep the user's position.
  const top = streaming ? maxScroll : Math.min(scroll, maxScroll);

  useKeys(
    (input, key) => {
      if (key.upArrow) setScroll(Math.max(0, top - 1));
      if (key.downArrow) setScroll(Math.min(maxScroll, top + 1));
      if (key.pageUp) setScroll(Math.max(0, top - bodyHeight));
      if (key.pageDown) setScroll(Math.min(maxScroll, top + bodyHeight));
      if (input === 'q' || (key.ctrl && input === 'c')) onCancel();
      if (streaming || working) return;
      if (input === 'a') onApprove();
      if (input === 'e') onEdit();
      if (input === 'r') setAskingFeedback(true);
    },
    { isActive: !askingFeedback && !helpOpen },
  );

  const status = streaming
    ? `${spinner} Writing the PRD with ${run.settings.prdModel}… ≈${Math.round(run.prd.length / 4)} tokens so far`
    : working
      ? `${spinner} Planning the agents' tasks…`
      : `PRD ready (${lines.length} lines) — review it`;
  return (
    <Box flexDirection="column" height={height}>
      <Text bold wrap="truncate">
        PRD · {run.change}
      </Text>
      <Text color={streaming || working ? 'yellow' : 'green'} wrap="truncate">
        {status}
      </Text>
      <Box flexDirection="column" height={bodyHeight} borderStyle="single" borderColor="gray" borderLeft={false} borderRight={false} overflow="hidden">
        {lines.slice(top, top + bodyHeight - 2).map((line, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the line number in the PRD is the identity
          <Text key={top + i} wrap="truncate">
            {line || ' '}
          </Text>
        ))}
      </Box>
      {askingFeedback ? (
        <Box>
          <Text color="cyan">What should change? </Text>
          <TextInput
            placeholder="feedback for the next version (Enter sends, Esc cancels)"
            onSubmit={(feedback) => {
              setAskingFeedback(false);
              if (feedback.trim()) onRegenerate(feedback.trim());
            }}
            onCancel={() => setAskingFeedback(false)}
          />
        </Box>
      ) : error ? (
        <Text color="red" wrap="truncate">
          {error}
        </Text>
      ) : (
        <Text> </Text>
      )}
      <Footer screen="prd" />
    </Box>
  );
};
