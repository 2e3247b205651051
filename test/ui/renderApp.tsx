import { render } from 'ink-testing-library';
import { onTestFinished } from 'vitest';
import { openConfigStore } from '../../src/config/store.js';
import type { RunSummary } from '../../src/logs/types.js';
import { App } from '../../src/ui/App.js';
import { RunStoreContext } from '../../src/ui/hooks/useRunStore.js';
import { RunStore } from '../../src/ui/state/runStore.js';
import type { TestRun } from '../support/fakeRun.js';
import { waitFor } from '../support/waitFor.js';
import { makeTempDir } from '../support/gitRepo.js';

/**
 * Lets what a frame shows settle before the next key: a screen registers its keys in a layout
 * effect of the commit that draws it, which has run once the next macrotask starts.
 */
export const settled = () => new Promise((resolve) => setImmediate(resolve));

/** The frame as a person reads it: colours and styles dropped. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: colour codes start with ESC
export const plain = (text: string): string => text.replace(/\x1b\[[0-9;]*m/g, '');

/** A rendered tree with a plain-text frame and a wait for what it should show. */
export const withFrame = <T extends { lastFrame(): string | undefined }>(app: T) => {
  const frame = () => plain(app.lastFrame() ?? '');
  const shows = async (text: string | RegExp, timeoutMs?: number) => {
    await waitFor(
      () => (typeof text === 'string' ? frame().includes(text) : text.test(frame())),
      `screen to show ${text}\n${frame()}`,
      timeoutMs,
    );
    await settled();
  };
  const hides = async (text: string | RegExp) => {
    await waitFor(() => !(typeof text === 'string' ? frame().includes(text) : text.test(frame())), `screen to hide ${text}\n${frame()}`);
    await settled();
  };
  return { ...app, frame, shows, hides };
};

export const renderApp = (run: TestRun, options: { yes?: boolean; edit?: (text: string) => Promise<string> } = {}) => {
  const store = new RunStore(run);
  const config = makeTempDir('ao-config-');
  const app = render(
    <RunStoreContext.Provider value={store}>
      <App
        warnings={['2 uncommitted changes will not be seen by the agents']}
        yes={options.yes ?? false}
        editText={options.edit ?? (async (text) => text)}
        openConfigStore={() => openConfigStore({ AIDER_ORCHESTRATOR_CONFIG_DIR: config.dir })}
      />
    </RunStoreContext.Provider>,
  );
  // Run last to first: unmount, then dispose of the store, then remove the config folder.
  onTestFinished(config.cleanup);
  onTestFinished(() => store.dispose());
  onTestFinished(() => app.unmount());
  return withFrame(app);
};

export const plan = () => ({
  tasks: [
    { agent: 1, title: 'Part 1 of 2: api', description: 'd', files: ['src/api.ts', 'src/client.ts'], attempt: 1 },
    { agent: 2, title: 'Part 2 of 2: ui', description: 'd', files: ['src/ui.tsx'], attempt: 1 },
  ],
  unassigned: [],
});

const agentSummary = (id: number): RunSummary['agents'][number] => ({
  id,
  branch: `aider-orchestrator/test/agent-${id}`,
  worktree: `/wt/agent-${id}`,
  task: `Task ${id}`,
  files: ['a.py'],
  status: 'succeeded',
  reason: undefined,
  exitCode: 0,
  iterations: 2,
  tokens: { prompt: 1000, completion: 200, total: 1200 },
  cost: 0.0123,
  durationMs: 61_000,
  commits: [{ hash: `${id}123456789abcdef`, message: 'feat: greet' }],
  filesChanged: [{ path: 'a.py', added: 3, removed: 1 }],
  log: `/repo/.aider_logs/agent${id}_x.jsonl`,
});

/** A run's summary with `agents` agents that all succeeded. */
export const summaryOf = (run: TestRun, agents = 1): RunSummary => ({
  runId: run.runId,
  change: run.change,
  repo: '/repo',
  baseCommit: 'abc',
  prdPath: '/repo/docs/prd/x.md',
  startedAt: '2026-01-01T00:00:00Z',
  finishedAt: '2026-01-01T00:01:00Z',
  status: 'succeeded',
  agents: Array.from({ length: agents }, (_, i) => agentSummary(i + 1)),
  totals: {
    agents,
    succeeded: agents,
    failed: 0,
    stopped: 0,
    iterations: 2 * agents,
    tokens: { prompt: 1000 * agents, completion: 200 * agents, total: 1200 * agents },
    cost: 0.0123 * agents,
    commits: agents,
    durationMs: 61_000,
  },
  logDir: '/repo/.aider_logs',
  summaryPath: '/repo/.aider_logs/summary_x.json',
});

/** Whether the app has ended (Ink stopped reading the keyboard). */
export const hasExited = (app: { stdin: { listenerCount(event: string): number } }): boolean => app.stdin.listenerCount('readable') === 0;
