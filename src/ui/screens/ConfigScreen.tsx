import { Box, Text } from 'ink';
import { useState } from 'react';
import { formatDuration, parseDuration } from '../../config/duration.js';
import { defaultSettings } from '../../config/settings.js';
import type { ConfigStore, StoredSettings } from '../../config/store.js';
import { Footer } from '../components/Footer.js';
import { TextLine, useLineEditor } from '../components/TextInput.js';
import { useKeyState } from '../hooks/useKeyState.js';
import { useScreenKeys } from '../keys/KeyRouter.js';
import { CONFIG_EDIT_KEYS, CONFIG_KEYS, type Keymap } from '../keys/keymap.js';

type Field = keyof StoredSettings;

/** The form's fields, in order, with how they are typed in. */
type Kind = 'text' | 'number' | 'args' | 'duration' | 'onoff';

/** `shownDefault`: what an empty field means, when the default is not a value of its own. */
const FIELDS: { key: Field; label: string; kind: Kind; shownDefault?: string }[] = [
  { key: 'agentModel', label: 'Agent model (aider --model)', kind: 'text' },
  { key: 'prdModel', label: 'PRD model (gemini/…, openai/…)', kind: 'text' },
  { key: 'supervisor', label: 'Supervisor after each turn', kind: 'onoff' },
  { key: 'supervisorModel', label: 'Supervisor model', kind: 'text', shownDefault: 'the PRD model' },
  { key: 'maxAgents', label: 'Max agents at once', kind: 'number' },
  { key: 'maxIterations', label: 'Max iterations per agent', kind: 'number' },
  { key: 'agentsPerTask', label: 'Agents per task', kind: 'number' },
  { key: 'firstWins', label: 'First attempt to pass wins (on/off)', kind: 'onoff' },
  { key: 'aiderArgs', label: 'Extra aider arguments', kind: 'args' },
  { key: 'checkCommand', label: 'Check command', kind: 'text' },
  { key: 'checkTimeout', label: 'Check command timeout', kind: 'duration' },
  { key: 'idleTimeout', label: 'Idle timeout (no output)', kind: 'duration' },
  { key: 'setupCommand', label: 'Setup command (new worktrees)', kind: 'text' },
  { key: 'notifyCommand', label: 'Notify command (your hook)', kind: 'text' },
  { key: 'notifyDesktop', label: 'Desktop notifications (on/off)', kind: 'onoff' },
  { key: 'aiderBin', label: 'aider executable', kind: 'text' },
  { key: 'geminiBaseUrl', label: 'Gemini base URL', kind: 'text' },
  { key: 'prdDir', label: 'PRD folder (in the repo)', kind: 'text' },
  { key: 'logDir', label: 'Log folder (in the repo)', kind: 'text' },
  { key: 'dataDir', label: 'Data folder', kind: 'text' },
  { key: 'mouse', label: 'Mouse wheel in panes (on/off)', kind: 'onoff' },
];

/** Rows of the form that are not fields: title, two of notes, the gap, the message, the footer and an error line. */
const CHROME_ROWS = 8;

const show = (value: unknown, kind: Kind): string => {
  if (Array.isArray(value)) return value.join(' ');
  if (value === undefined) return '';
  if (kind === 'duration' && typeof value === 'number' && Number.isFinite(value)) return formatDuration(value);
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  return String(value);
};

const ON = /^(on|yes|true)$/i;
const OFF = /^(off|no|false)$/i;

const parse = (kind: Kind, text: string): unknown => {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  if (kind === 'duration') return parseDuration(trimmed) ?? Number.NaN;
  if (kind === 'number') return /^\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (kind === 'args') return trimmed.split(/\s+/);
  // Anything else stays text, which validation marks as "must be on or off".
  if (kind === 'onoff') return ON.test(trimmed) ? true : OFF.test(trimmed) ? false : trimmed;
  return trimmed;
};

export interface ConfigScreenProps {
  store: ConfigStore;
  height: number;
  onBack(): void;
}

/** The stored settings as a form: Enter edits a field, S validates and saves, Esc goes back. */
export const ConfigScreen = ({ store, height, onBack }: ConfigScreenProps) => {
  const [values, setValues] = useState<StoredSettings>(() => store.read());
  const [selected, select] = useKeyState(0);
  const [editing, setEditing] = useKeyState(false);
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [message, setMessage] = useState<string>();
  const editor = useLineEditor();
  const field = FIELDS[selected]!;
  const defaults = defaultSettings();

  const keep = () => {
    const f = FIELDS[select((i) => i)]!;
    const value = parse(f.kind, editor.value());
    setValues((current) => ({ ...current, [f.key]: value }));
    setErrors((current) => ({ ...current, [f.key]: store.validate({ [f.key]: value } as StoredSettings)[f.key] }));
    setMessage(undefined);
    setEditing(() => false);
  };

  const keys = useScreenKeys(
    (editing ? CONFIG_EDIT_KEYS : CONFIG_KEYS) as Keymap<
      'up' | 'down' | 'edit' | 'save' | 'back' | 'help' | 'interrupt' | 'keep' | 'cancel',
      undefined
    >,
    undefined,
    {
      up: () => select((i) => Math.max(0, i - 1)),
      down: () => select((i) => Math.min(FIELDS.length - 1, i + 1)),
      edit: () => {
        const current = FIELDS[select((i) => i)]!;
        editor.set(show(values[current.key], current.kind));
        setEditing(() => true);
      },
      save: () => {
        const found = store.validate(values);
        setErrors(found);
        if (Object.keys(found).length > 0) {
          setMessage('not saved: fix the fields marked in red');
          return;
        }
        store.write(values);
        setMessage(`saved to ${store.path}; applies to the next run`);
      },
      back: onBack,
      keep,
      cancel: () => setEditing(() => false),
    },
    { editor: editing ? editor : undefined },
  );

  // More fields than rows: the list scrolls with the selection (title, notes, message and footer keep their rows).
  const rows = Math.max(3, height - CHROME_ROWS);
  const first = Math.min(Math.max(0, selected - rows + 1), Math.max(0, FIELDS.length - rows));
  const shown = FIELDS.slice(first, first + rows);

  return (
    <Box flexDirection="column" height={height}>
      <Text bold>Settings</Text>
      <Text dimColor>
        Stored in {store.path}. Environment variables and flags override these. API keys live in the environment or .env.
      </Text>
      <Box flexDirection="column" marginTop={1} flexGrow={1} overflow="hidden">
        {shown.map((f, index) => {
          const i = first + index;
          return (
            <Box key={f.key} flexDirection="column">
              <Text wrap="truncate" inverse={i === selected && !editing}>
                {i === selected ? '›' : ' '} {f.label.padEnd(30)}{' '}
                {i === selected && editing ? null : (
                  <Text color={errors[f.key] ? 'red' : 'cyan'}>
                    {show(values[f.key], f.kind) || (
                      <Text dimColor>default: {f.shownDefault ?? (show(defaults[f.key], f.kind) || 'none')}</Text>
                    )}
                  </Text>
                )}
              </Text>
              {i === selected && editing ? (
                <Box marginLeft={33}>
                  <TextLine state={editor.state} />
                </Box>
              ) : null}
              {errors[f.key] ? (
                <Text color="red">
                  {'    '}
                  {f.label} {errors[f.key]}
                </Text>
              ) : null}
            </Box>
          );
        })}
      </Box>
      <Text color={!editing && message?.startsWith('saved') ? 'green' : 'yellow'} wrap="truncate">
        {editing ? `editing ${field.label}: Enter keeps it, Esc cancels, empty = default` : (message ?? ' ')}
      </Text>
      <Footer {...keys} />
    </Box>
  );
};
