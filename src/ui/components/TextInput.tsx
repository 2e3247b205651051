import { Text } from 'ink';
import { useKeyState } from '../hooks/useKeyState.js';
import type { KeyPress } from '../keys/keys.js';

export interface LineState {
  value: string;
  cursor: number;
}

export const lineOf = (value: string): LineState => ({ value, cursor: value.length });

/** Applies one key to the line (a reducer, so keys typed faster than renders are not lost). */
export const editLine = (state: LineState, { input, key }: KeyPress): LineState => {
  const { value, cursor } = state;
  if (key.leftArrow) return { value, cursor: Math.max(0, cursor - 1) };
  if (key.rightArrow) return { value, cursor: Math.min(value.length, cursor + 1) };
  if (key.home) return { value, cursor: 0 };
  if (key.end) return { value, cursor: value.length };
  if (key.backspace || key.delete) {
    return cursor === 0 ? state : { value: value.slice(0, cursor - 1) + value.slice(cursor), cursor: cursor - 1 };
  }
  if (key.ctrl && input === 'u') return { value: '', cursor: 0 };
  if (key.ctrl || key.meta || key.tab || key.upArrow || key.downArrow || key.pageUp || key.pageDown || key.return || key.escape || !input)
    return state;
  const text = input.replace(/[\r\n]+/g, ' ');
  return { value: value.slice(0, cursor) + text + value.slice(cursor), cursor: cursor + text.length };
};

/** A text field's state for a screen: keys no binding takes are typed into it (see useScreenKeys). */
export interface LineEditor {
  readonly state: LineState;
  /** The value as of the last key (not the last render). */
  value(): string;
  apply(press: KeyPress): void;
  set(value: string): void;
}

export const useLineEditor = (initial = ''): LineEditor => {
  const [state, update] = useKeyState<LineState>(() => lineOf(initial));
  return {
    state,
    value: () => update((s) => s).value,
    apply: (press) => void update((s) => editLine(s, press)),
    set: (value) => void update(() => lineOf(value)),
  };
};

/** One line of text with its cursor (the keys are routed by the screen; see useLineEditor). */
export const TextLine = ({ state, placeholder = '' }: { state: LineState; placeholder?: string }) => {
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
