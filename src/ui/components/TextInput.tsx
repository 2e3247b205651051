import { Text, useInput, type Key } from 'ink';
import { useKeyState } from '../hooks/useKeyState.js';

export interface TextInputProps {
  initial?: string;
  placeholder?: string;
  onSubmit(value: string): void;
  onCancel?(): void;
  isActive?: boolean;
}

interface LineState {
  value: string;
  cursor: number;
}

/** Applies one key to the line (a reducer, so keys typed faster than renders are not lost). */
export const editLine = (state: LineState, { input, key }: { input: string; key: Key }): LineState => {
  const { value, cursor } = state;
  if (key.leftArrow) return { value, cursor: Math.max(0, cursor - 1) };
  if (key.rightArrow) return { value, cursor: Math.min(value.length, cursor + 1) };
  if (key.backspace || key.delete) {
    return cursor === 0 ? state : { value: value.slice(0, cursor - 1) + value.slice(cursor), cursor: cursor - 1 };
  }
  if (key.ctrl && input === 'u') return { value: '', cursor: 0 };
  if (key.ctrl || key.meta || key.tab || key.upArrow || key.downArrow || key.return || key.escape || !input) return state;
  const text = input.replace(/[\r\n]+/g, ' ');
  return { value: value.slice(0, cursor) + text + value.slice(cursor), cursor: cursor + text.length };
};

/** One editable line: typing, Backspace, ←/→, Ctrl-U clears; Enter submits, Esc cancels. */
export const TextInput = ({ initial = '', placeholder = '', onSubmit, onCancel, isActive = true }: TextInputProps) => {
  const [state, update] = useKeyState<LineState>({ value: initial, cursor: initial.length });
  useInput(
    (input, key) => {
      if (key.return) onSubmit(update((s) => s).value);
      else if (key.escape) onCancel?.();
      else if (/[\r\n]/.test(input) && !key.ctrl && !key.meta) {
        // Text and Enter arrived together (a paste, a script): type the text, then submit.
        const typed = input.split(/[\r\n]/)[0] ?? '';
        onSubmit(update((s) => editLine(s, { input: typed, key })).value);
      } else update((s) => editLine(s, { input, key }));
    },
    { isActive },
  );
  const { value, cursor } = state;
  if (!value) {
    return (
      <Text>
        <Text inverse> </Text>
        <Text dimColor>{placeholder}</Text>
      </Text>
    );
  }
  return (
    <Text>
      {value.slice(0, cursor)}
      <Text inverse>{value[cursor] ?? ' '}</Text>
      {value.slice(cursor + 1)}
    </Text>
  );
};
