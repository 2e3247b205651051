import type { Run } from '../orchestrator/run.js';
import type { TuiOptions } from '../ui/runTui.js';
import { editInEditor } from './editor.js';
import { onInterrupt } from './interrupts.js';
import { notifiersFor, watchRun } from '../orchestrator/notify.js';

/** Starts loading Ink, React and the screens, ahead of the run's checks (the first frame waits on them). */
export const preloadTui = (): void => void import('../ui/runTui.js').catch(() => undefined);

/**
 * The TUI for a run. Ctrl-C inside the app is a key (raw mode); a SIGTERM or SIGINT from
 * outside stops the agents cleanly too (a second one forces), so the summary is written.
 */
export const runInTui = async (pending: Run | Promise<Run>, options: Omit<TuiOptions, 'interrupt' | 'editText'>): Promise<number> => {
  // The run once its checks pass. (They may fail while the UI still loads: runTui reports that.)
  let run = pending instanceof Promise ? undefined : pending;
  let notifications: ReturnType<typeof watchRun> | undefined;
  // The bell, the window title, the OS notification and --notify-cmd, once the run exists.
  const notify = (checked: Run) => {
    notifications = watchRun(
      checked,
      notifiersFor(checked.settings, {
        tui: true,
        env: process.env,
        stdout: process.stdout,
        warn: (message) => checked.emit('run:warning', message),
      }),
    );
  };
  if (pending instanceof Promise)
    pending.then(
      (checked) => {
        run = checked;
        notify(checked);
      },
      () => undefined,
    );
  else notify(pending);
  const { runTui } = await import('../ui/runTui.js');
  const interrupt = new AbortController();
  const removeInterruptHandler = onInterrupt((_signal, count) => {
    if (count > 1) {
      run?.dispose();
      process.exit(130);
    }
    interrupt.abort();
  });
  try {
    return await runTui(pending, { ...options, interrupt: interrupt.signal, editText: (text, fileName) => editInEditor(text, fileName) });
  } finally {
    removeInterruptHandler();
    // Notification processes still running are awaited (each is bounded), the window title restored.
    await notifications?.close();
  }
};
