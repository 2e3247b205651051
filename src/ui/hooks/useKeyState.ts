import { useReducer, useRef } from 'react';

/**
 * State for key handlers: `update` applies to the latest value at once (not the one of the
 * last render), so keys that arrive faster than renders — a paste, a fast typist, a test —
 * each see the state the previous key left. Then one render shows the result.
 * Like a state setter, `update` is the same function on every render.
 */
export const useKeyState = <S>(initial: S | (() => S)): [S, (change: (state: S) => S) => S] => {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const ref = useRef<{ value: S; update(change: (state: S) => S): S } | undefined>(undefined);
  if (!ref.current) {
    const box = {
      value: typeof initial === 'function' ? (initial as () => S)() : initial,
      update: (change: (state: S) => S): S => {
        const next = change(box.value);
        if (next !== box.value) {
          box.value = next;
          rerender();
        }
        return next;
      },
    };
    ref.current = box;
  }
  return [ref.current.value, ref.current.update];
};
