import { Text, useInput } from 'ink';
import { useState } from 'react';

export interface TextInputProps {
  initial?: string;
  placeholder?: string;
  onSubmit(value: string): void;
  onCancel?(): void;
  isActive?: boolean;
}

/** One editable line: typing, Backspace, ←/→, Ctrl-U clears; Enter submits, Esc cancels. */
export const TextInput = ({ initial = '', placeholder = '', onSubmit, onCancel, isActive = true }: TextInputProps) => {
  const [value, setValue] = useState(initial);
  const [cursor, setCursor] = useState(initial.length);
  useInput(
    (input, key) => {
      if (key.return) return onSubmit(value);
      if (key.escape) return onCancel?.();
      if (key.leftArrow) return setCursor((c) => Math.max(0, c - 1));
      if (key.rightArrow) return setCursor((c) => Math.min(value.length, c + 1));
      if (key.backspace || key.delete) {
        if (cursor === 0) return;
        setValue(value.slice(0, cursor - 1) + value.slice(cursor));
        return setCursor(cursor - 1);
      }
      if (key.ctrl && input === 'u') {
        setValue('');
        return setCursor(0);
      }
      if (key.ctrl || key.meta || key.tab || key.upArrow || key.downArrow || !input) return;
      const text = input.replace(/[\r\n]+/g, ' ');
      setValue(value.slice(0, cursor) + text + value.slice(cursor));
      setCursor(cursor + text.length);
    },
    { isActive },
  );
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
