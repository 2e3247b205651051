import { useReducer, useRef } from 'react';

/**
 * State for key handlers: `update` applies to the latest value at once (not the one of the
 * last render), so keys that arrive faster than renders — a paste, a fast typist, a test —
 * each see the state the previous key left. Then one render shows the result.
 */
export const useKeyState = <S,>(initial: S | (() => S)): [S, (change: (state: S) => S) => S] => {
  const ref = useRef<{ value: S } | undefined>(undefined);
  ref.current ??= { value: typeof initial === 'function' ? (initial as () => S)() : initial };
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const box = ref.current;
  const update = (change: (state: S) => S): S => {
    const next = change(box.value);
    if (next !== box.value) {
      box.value = next;
      rerender();
    }
    return next;
  };
  return [box.value, update];
};
