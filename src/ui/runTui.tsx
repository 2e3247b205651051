import { render } from 'ink';
import type { ConfigStore } from '../config/store.js';
import { openConfigStore } from '../config/store.js';
import { EXIT_CANCELLED } from '../orchestrator/exitCode.js';
import type { Run } from '../orchestrator/run.js';
import { App } from './App.js';
import { RunStoreContext } from './hooks/useRunStore.js';
import { KeyRouter } from './keys/KeyRouter.js';
import { MOUSE_OFF } from './keys/keys.js';
import { CheckingScreen } from './screens/CheckingScreen.js';
import { ConfigScreen } from './screens/ConfigScreen.js';
import { RunStore } from './state/runStore.js';

/**
 * Ink's frame cap. Pane output is already coalesced to PANE_FPS by the RunStore, so this cap only
 * decides how soon a key's frame follows: at Ink's default (30) it queued behind the output frames
 * (key → frame p50 54 ms with 8 agents), at 120 it is drawn at once (p50 ~20 ms).
 */
export const MAX_FPS = 120;
const RENDER_OPTIONS = { exitOnCtrlC: false, alternateScreen: true, maxFps: MAX_FPS } as const;

export interface TuiOptions {
  warnings: string[];
  yes: boolean;
  interrupt?: AbortSignal;
  /** The change request as given (for the first frame's title while the run is checked). */
  change?: string | undefined;
  /** Stops the run's checks when the user cancels on the first frame. */
  checks?: AbortController | undefined;
  /** Opens text in the user's editor under the given file name and returns what was saved (the terminal is handed over). */
  editText(text: string, fileName: string): Promise<string>;
}

/**
 * The full-screen app for one run; resolves with the process exit code. Given the run's
 * checks still under way (a promise), the first frame is drawn at once and the app takes
 * over when they pass; when they fail, the screen is left before the error is thrown.
 */
export const runTui = async (pending: Run | Promise<Run>, options: TuiOptions): Promise<number> => {
  const cancel = () => instance.unmount();
  const instance = render(
    pending instanceof Promise ? (
      <KeyRouter onInterrupt={cancel}>
        <CheckingScreen change={options.change} onCancel={cancel} interrupt={options.interrupt} />
      </KeyRouter>
    ) : null,
    RENDER_OPTIONS,
  );
  const exited = instance.waitUntilExit();
  const checked = Promise.resolve(pending).then(
    (run) => ({ run }),
    (error: unknown) => ({ error }),
  );
  const outcome = await Promise.race([
    checked,
    exited.then(
      () => 'cancelled' as const,
      () => 'cancelled' as const,
    ),
  ]);
  if (outcome === 'cancelled') {
    // Cancelled on the first frame: the checks stop, and a run they still finish is let go.
    options.checks?.abort();
    void checked.then((late) => ('run' in late ? late.run.dispose() : undefined));
    return EXIT_CANCELLED;
  }
  if ('error' in outcome) {
    instance.unmount();
    await exited.catch(() => undefined);
    throw outcome.error;
  }
  const { run } = outcome;
  const store = new RunStore(run);
  instance.rerender(
    <RunStoreContext.Provider value={store}>
      <App
        warnings={options.warnings}
        yes={options.yes}
        editText={(text) => options.editText(text, `prd-${run.runId}.md`)}
        openConfigStore={() => openConfigStore()}
        interrupt={options.interrupt}
      />
    </RunStoreContext.Provider>,
  );
  try {
    const code = await exited;
    return typeof code === 'number' ? code : 0;
  } finally {
    // Whatever screen was up when the app ended, the terminal gets its mouse back.
    if (process.stdout.isTTY) process.stdout.write(MOUSE_OFF);
    store.dispose();
    await run.close();
  }
};

/** `aider-orchestrator config`: the settings form on its own. */
export const runConfigTui = async (store: ConfigStore): Promise<number> => {
  let instance: ReturnType<typeof render> | undefined;
  const close = () => instance?.unmount();
  instance = render(
    <KeyRouter onInterrupt={close}>
      <ConfigScreen store={store} height={process.stdout.rows ?? 24} onBack={close} />
    </KeyRouter>,
    RENDER_OPTIONS,
  );
  await instance.waitUntilExit();
  return 0;
};
