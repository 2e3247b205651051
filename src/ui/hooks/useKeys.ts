import { useInput, type Key } from 'ink';

const NO_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

/**
 * useInput for command keys: Ink hands over plain characters that arrive together
 * (fast typing, a script, `\tz`) as one input; a screen of one-key commands wants
 * each of them, so they are replayed one by one.
 */
export const useKeys = (handler: (input: string, key: Key) => void, options: { isActive?: boolean } = {}): void => {
  useInput((input, key) => {
    const special = key.ctrl || key.meta || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow || key.pageUp || key.pageDown || key.escape;
    if (special || [...input].length <= 1) {
      handler(input, key);
      return;
    }
    for (const char of input) {
      handler(char, { ...NO_KEY, tab: char === '\t', return: char === '\r', shift: char !== char.toLowerCase() });
    }
  }, options);
};
