import { Box, Text } from 'ink';
import { useKeys } from '../hooks/useKeys.js';
import { useState } from 'react';
import { Footer } from '../components/Footer.js';
import { TextInput } from '../components/TextInput.js';

export interface ChangeScreenProps {
  warnings: readonly string[];
  onSubmit(change: string): void;
  onConfig(): void;
  onQuit(): void;
}

/** Asks for the change request when --change was not given. */
export const ChangeScreen = ({ warnings, onSubmit, onConfig, onQuit }: ChangeScreenProps) => {
  const [error, setError] = useState<string>();
  useKeys((input, key) => {
    if (key.ctrl && input === 'o') onConfig();
    if (key.ctrl && input === 'c') onQuit();
  });
  return (
    <Box flexDirection="column" flexGrow={1}>
      <Text bold>What should the agents change?</Text>
      <Text dimColor>One request, e.g. “Add password reset with email OTP”. A PRD is written from it for you to review.</Text>
      {warnings.map((warning) => (
        <Text key={warning} color="yellow">
          warning: {warning}
        </Text>
      ))}
      <Box borderStyle="round" borderColor="cyan" paddingX={1} marginTop={1}>
        <Text color="cyan">› </Text>
        <TextInput
          placeholder="describe the change"
          onSubmit={(value) => (value.trim() ? onSubmit(value.trim()) : setError('type the change first'))}
          onCancel={onQuit}
        />
      </Box>
      {error ? <Text color="red">{error}</Text> : null}
      <Box flexGrow={1} />
      <Footer screen="change" />
    </Box>
  );
};
