import { render } from 'ink';
import { editInEditor } from '../cli/editor.js';
import type { ConfigStore } from '../config/store.js';
import { openConfigStore } from '../config/store.js';
import type { Run } from '../orchestrator/run.js';
import { App } from './App.js';
import { RunStoreContext } from './hooks/useRunStore.js';
import { ConfigScreen } from './screens/ConfigScreen.js';
import { RunStore } from './state/runStore.js';

/**
 * Ink's frame cap. Pane output is already coalesced to PANE_FPS by the RunStore, so this cap only
 * decides how soon a key's frame follows: at Ink's default (30) it queued behind the output frames
 * (key → frame p50 54 ms with 8 agents), at 120 it is drawn at once (p50 ~20 ms).
 */
export const MAX_FPS = 120;
const RENDER_OPTIONS = { exitOnCtrlC: false, alternateScreen: true, maxFps: MAX_FPS } as const;

/** The full-screen app for one run; resolves with the process exit code. */
export const runTui = async (run: Run, options: { warnings: string[]; yes: boolean; interrupt?: AbortSignal }): Promise<number> => {
  const store = new RunStore(run);
  const instance = render(
    <RunStoreContext.Provider value={store}>
      <App
        warnings={options.warnings}
        yes={options.yes}
        editText={(text) => editInEditor(text, `prd-${run.runId}.md`)}
        openConfigStore={() => openConfigStore()}
        interrupt={options.interrupt}
      />
    </RunStoreContext.Provider>,
    RENDER_OPTIONS,
  );
  try {
    const code = await instance.waitUntilExit();
    return typeof code === 'number' ? code : 0;
  } finally {
    store.dispose();
    run.dispose();
  }
};

/** `aider-orchestrator config`: the settings form on its own. */
export const runConfigTui = async (store: ConfigStore): Promise<number> => {
  let instance: ReturnType<typeof render> | undefined;
  instance = render(<ConfigScreen store={store} height={process.stdout.rows ?? 24} onBack={() => instance?.unmount()} />, RENDER_OPTIONS);
  await instance.waitUntilExit();
  return 0;
};
