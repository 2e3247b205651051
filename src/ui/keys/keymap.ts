/** One key binding as the footer and the help screen show it (one source, so help never lies). */
export interface KeyHint {
  keys: string;
  action: string;
}

export type ScreenName = 'checking' | 'change' | 'prd' | 'assignment' | 'dashboard' | 'focus' | 'summary' | 'diff' | 'config';

export const KEYMAP: Record<ScreenName, KeyHint[]> = {
  checking: [{ keys: 'q', action: 'cancel' }],
  change: [
    { keys: 'Enter', action: 'write the PRD' },
    { keys: 'Ctrl-O', action: 'settings' },
    { keys: 'Esc', action: 'quit' },
  ],
  prd: [
    { keys: 'a', action: 'approve' },
    { keys: 'e', action: 'edit in $EDITOR' },
    { keys: 'r', action: 'regenerate with feedback' },
    { keys: '↑↓ PgUp PgDn', action: 'scroll' },
    { keys: 'q', action: 'cancel' },
    { keys: '?', action: 'help' },
  ],
  assignment: [
    { keys: '↑↓', action: 'select a file' },
    { keys: 'Space', action: 'pick up / drop on the agent under the cursor' },
    { keys: '1-9', action: 'send the file to that agent' },
    { keys: 'u', action: 'unassign the file' },
    { keys: '+ -', action: 'add / remove an agent' },
    { keys: 'Enter', action: 'start the agents' },
    { keys: 'q', action: 'cancel' },
    { keys: '?', action: 'help' },
  ],
  dashboard: [
    { keys: 'Tab 1-9', action: 'select a pane' },
    { keys: 'z', action: 'zoom' },
    { keys: 'Enter', action: 'type into the agent' },
    { keys: 'PgUp PgDn', action: 'scroll back' },
    { keys: 's', action: 'stop agent' },
    { keys: 'R', action: 'restart agent' },
    { keys: 'c', action: 'settings' },
    { keys: 'q', action: 'quit' },
    { keys: '?', action: 'help' },
  ],
  focus: [{ keys: 'Ctrl-]', action: 'leave the agent (every other key goes to aider)' }],
  summary: [
    { keys: '↑↓', action: 'select an agent' },
    { keys: 'd', action: 'view its diff' },
    { keys: 'm', action: 'merge the succeeded branches' },
    { keys: 'b', action: 'back to the panes' },
    { keys: 'q', action: 'quit' },
    { keys: '?', action: 'help' },
  ],
  diff: [
    { keys: '↑↓ PgUp PgDn', action: 'scroll' },
    { keys: 'Esc', action: 'back' },
  ],
  config: [
    { keys: '↑↓', action: 'select a field' },
    { keys: 'Enter', action: 'edit / confirm' },
    { keys: 'S', action: 'save' },
    { keys: 'Esc', action: 'back' },
  ],
};
