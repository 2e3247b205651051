/**
 * A repeat of the same signal within this window is the same interrupt: `when-exit`
 * (used by conf, through atomically) catches the first SIGINT/SIGTERM and raises it
 * again at once so the process would exit; without this, one Ctrl-C counted as two.
 */
const SAME_INTERRUPT_MS = 300;

/**
 * Calls `handler` for each distinct Ctrl-C / SIGTERM with how many came so far.
 * Returns the function that removes the handlers.
 */
export const onInterrupt = (handler: (signal: NodeJS.Signals, count: number) => void): (() => void) => {
  let count = 0;
  let last: { signal: NodeJS.Signals; at: number } | undefined;
  const listener = (signal: NodeJS.Signals) => {
    const now = Date.now();
    if (last && last.signal === signal && now - last.at < SAME_INTERRUPT_MS) return;
    last = { signal, at: now };
    count += 1;
    handler(signal, count);
  };
  process.on('SIGINT', listener);
  process.on('SIGTERM', listener);
  return () => {
    process.off('SIGINT', listener);
    process.off('SIGTERM', listener);
  };
};
