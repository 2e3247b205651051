import { Box, Text } from 'ink';
import { useEffect } from 'react';
import { Footer } from '../components/Footer.js';
import { useSpinner } from '../hooks/useSpinner.js';
import { useScreenKeys } from '../keys/KeyRouter.js';
import { CHECKING_KEYS } from '../keys/keymap.js';

export interface CheckingScreenProps {
  /** The change request, when it was given on the command line. */
  change: string | undefined;
  onCancel(): void;
  /** Aborted on SIGTERM / SIGINT from outside. */
  interrupt?: AbortSignal | undefined;
}

/**
 * The first frame: drawn as soon as the UI is loaded, while the run's checks (repository,
 * settings, API keys, aider, the model server) finish; a big repository's `git status` or a
 * first aider version check can take seconds.
 */
export const CheckingScreen = ({ change, onCancel, interrupt }: CheckingScreenProps) => {
  const spinner = useSpinner(true);
  const keys = useScreenKeys(CHECKING_KEYS, undefined, { cancel: onCancel, interrupt: onCancel });
  useEffect(() => {
    if (!interrupt) return;
    interrupt.addEventListener('abort', onCancel);
    return () => interrupt.removeEventListener('abort', onCancel);
  }, [interrupt, onCancel]);
  return (
    <Box flexDirection="column">
      <Text bold>{change ? `PRD · ${change}` : 'aider-orchestrator'}</Text>
      <Text color="yellow">{spinner} Checking the repository, the settings, the API keys and aider…</Text>
      <Footer {...keys} />
    </Box>
  );
};
