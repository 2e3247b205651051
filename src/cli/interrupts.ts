import tty from 'node:tty';

/**
 * A repeat of the same signal within this window is the same interrupt: `when-exit`
 * (used by conf, through atomically) catches the first SIGINT/SIGTERM/SIGHUP and raises it
 * again at once so the process would exit; without this, one Ctrl-C counted as two.
 */
const SAME_INTERRUPT_MS = 300;

/**
 * Signals that stop a run cleanly: Ctrl-C, `kill`, and SIGHUP (the terminal was closed, or
 * the SSH session dropped), which would otherwise end the app before it writes the summary.
 */
const INTERRUPTS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** What reading or writing a terminal that was closed fails with. */
const TERMINAL_GONE = new Set(['EIO', 'EPIPE', 'ERR_STREAM_DESTROYED']);

/**
 * Once the terminal is closed, every frame or line written to it fails (EIO). Those failures
 * are expected then: the run goes on stopping its agents and writing its summary. Anything
 * else stays an error.
 */
const ignoreLostTerminal = (error: NodeJS.ErrnoException): void => {
  if (!error.code || !TERMINAL_GONE.has(error.code)) throw error;
};

/**
 * Calls `handler` for each distinct interrupt (INTERRUPTS) with how many came so far.
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
  // stdin only when it is the terminal (the TUI reads keys from it); a pipe is left unopened.
  const stdio = [...(tty.isatty(0) ? [process.stdin] : []), process.stdout, process.stderr];
  for (const signal of INTERRUPTS) process.on(signal, listener);
  for (const stream of stdio) if (!stream.listeners('error').includes(ignoreLostTerminal)) stream.on('error', ignoreLostTerminal);
  // The stream handlers stay: a terminal that was closed stays closed, and the last writes (the
  // mouse turned off, the final line) come after the run has removed its signal handlers.
  return () => {
    for (const signal of INTERRUPTS) process.off(signal, listener);
  };
};
