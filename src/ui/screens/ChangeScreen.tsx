import { Box, Text } from 'ink';
import { Footer } from '../components/Footer.js';
import { TextLine, useLineEditor } from '../components/TextInput.js';
import { useScreenKeys } from '../keys/KeyRouter.js';
import { CHANGE_KEYS } from '../keys/keymap.js';

export interface ChangeScreenProps {
  warnings: readonly string[];
  onSubmit(change: string): void;
  onConfig(): void;
  onQuit(): void;
}

/** Asks for the change request when --change was not given. */
export const ChangeScreen = ({ warnings, onSubmit, onConfig, onQuit }: ChangeScreenProps) => {
  const editor = useLineEditor();
  const keys = useScreenKeys(
    CHANGE_KEYS,
    () => ({ text: editor.value() }),
    {
      submit: () => onSubmit(editor.value().trim()),
      settings: onConfig,
      quit: onQuit,
    },
    { editor },
  );
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
        <TextLine state={editor.state} placeholder="describe the change" />
      </Box>
      <Box flexGrow={1} />
      <Footer {...keys} />
    </Box>
  );
};
