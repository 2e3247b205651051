import { Box, Text, useStdin, useStdout } from 'ink';
import { useEffect, useState } from 'react';
import type { AgentView } from '../../agents/types.js';
import type { SearchMatch } from '../../agents/viewport.js';
import { Footer } from '../components/Footer.js';
import { PaneView } from '../components/PaneView.js';
import { StatusBar } from '../components/StatusBar.js';
import { STATE_STYLE } from '../components/stateStyle.js';
import { useKeyState } from '../hooks/useKeyState.js';
import { useRunStore } from '../hooks/useRunStore.js';
import { useOverlays, useScreenKeys } from '../keys/KeyRouter.js';
import { DASHBOARD_KEYS, FOCUS_KEYS, type DashboardContext } from '../keys/keymap.js';
import { LEAVE_FOCUS_BYTE, MOUSE_OFF, MOUSE_ON, withoutMouseReports, type MouseEvent } from '../keys/keys.js';
import { gridLayout, paneAt, paneInnerSize, type GridLayout } from '../layout/grid.js';

/** Lines one notch of the mouse wheel scrolls. */
const WHEEL_LINES = 3;

export interface DashboardScreenProps {
  width: number;
  height: number;
  onQuit(): void;
  onConfig(): void;
  /** Open the agent's diff over the dashboard. */
  onDiff(agent: number): void;
  /** A diff is open over the dashboard: it keeps its state but draws no panes. */
  covered?: boolean;
}

/** A pane's search: what was searched, the match shown, and its place among the matches. */
interface Search {
  query: string;
  current: SearchMatch | undefined;
  index: number;
  total: number;
}

interface DashboardState {
  selected: number;
  zoomed: boolean;
  focused: boolean;
  /** Lines each agent's pane is scrolled back, by agent id (0 or missing = live). */
  scroll: Record<number, number>;
  search: Record<number, Search>;
}

const isRunning = (state: string) => state === 'starting' || state === 'working' || state === 'waiting';

/** The match after (older) or before (newer) `current`, wrapping around; matches are oldest first. */
const step = (
  matches: SearchMatch[],
  current: SearchMatch | undefined,
  direction: 'older' | 'newer',
): { match: SearchMatch; wrapped: boolean } => {
  const before = (a: SearchMatch, b: SearchMatch) => a.line < b.line || (a.line === b.line && a.column < b.column);
  if (direction === 'older') {
    const older = current ? matches.filter((m) => before(m, current)) : matches;
    return older.length > 0 ? { match: older.at(-1)!, wrapped: false } : { match: matches.at(-1)!, wrapped: true };
  }
  const newer = current ? matches.filter((m) => before(current, m)) : [];
  return newer.length > 0 ? { match: newer[0]!, wrapped: false } : { match: matches[0]!, wrapped: true };
};

/** The panes laid out in rows (a row's panes side by side). */
const rowsOf = (layout: GridLayout) => {
  const rows = new Map<number, GridLayout['panes']>();
  for (const pane of layout.panes) rows.set(pane.y, [...(rows.get(pane.y) ?? []), pane]);
  return [...rows.entries()].sort(([a], [b]) => a - b).map(([y, panes]) => ({ y, height: panes[0]!.height, panes }));
};

/** Every agent live in a grid of panes; select, zoom, scroll, search, type into, stop and restart agents. */
export const DashboardScreen = ({ width, height, onQuit, onConfig, onDiff, covered = false }: DashboardScreenProps) => {
  const store = useRunStore();
  const { run } = store;
  const agents = run.agents;
  const overlays = useOverlays();
  const [ui, update] = useKeyState<DashboardState>({ selected: 0, zoomed: false, focused: false, scroll: {}, search: {} });
  const { selected, zoomed, focused, scroll, search } = ui;
  const [now, setNow] = useState(Date.now());
  const { stdin } = useStdin();
  const { stdout } = useStdout();

  const gridHeight = Math.max(4, height - 2);
  const layout = gridLayout(agents.length, width, gridHeight, Math.min(selected, agents.length - 1), zoomed);
  const agent: AgentView | undefined = agents[selected];

  // The elapsed times in the titles tick once a second.
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);

  // Each visible agent's pty and terminal get its pane's inner size.
  const sizes = layout.panes.map((pane) => `${pane.agent}:${pane.width}x${pane.height}`).join(',');
  // biome-ignore lint/correctness/useExhaustiveDependencies: `sizes` is the layout's identity
  useEffect(() => {
    for (const pane of layout.panes) {
      const { cols, rows } = paneInnerSize(pane);
      agents[pane.agent]?.resize(cols, rows);
    }
  }, [sizes, agents.length]);

  // The mouse wheel scrolls the pane under the pointer (the `mouse` setting off: the terminal keeps the mouse, for selecting text).
  const mouse = run.settings.mouse !== false && Boolean((stdout as NodeJS.WriteStream).isTTY);
  useEffect(() => {
    if (!mouse) return;
    stdout.write(MOUSE_ON);
    return () => void stdout.write(MOUSE_OFF);
  }, [mouse, stdout]);

  // Focus mode: raw keystrokes go to aider's pty unchanged.
  useEffect(() => {
    if (!focused || !agent) return;
    agent.setFocused?.(true);
    const onData = (data: Buffer | string) => {
      if (!update((state) => state).focused) return; // left focus; the listener goes with the next effect run
      const text = withoutMouseReports(data.toString());
      if (text.includes(LEAVE_FOCUS_BYTE)) {
        update((state) => ({ ...state, focused: false }));
        return;
      }
      if (text) agent.write(text);
    };
    stdin.on('data', onData);
    return () => {
      stdin.off('data', onData);
      agent.setFocused?.(false);
    };
  }, [focused, agent, stdin]);

  /** The state the keymap's availability rules read, as of the last key. */
  const context = (): DashboardContext => {
    const state = update((s) => s);
    const current = agents[state.selected];
    return {
      agent: current ? { id: current.id, state: current.state } : undefined,
      agents: agents.length,
      scrollback: current ? Math.min(state.scroll[current.id] ?? 0, current.viewport.history) : 0,
      history: current?.viewport.history ?? 0,
      searching: Boolean(current && state.search[current.id]),
    };
  };
  const selectedAgent = () => agents[update((s) => s).selected];

  const scrollTo = (target: AgentView, lines: number) =>
    update((state) => ({ ...state, scroll: { ...state.scroll, [target.id]: Math.max(0, Math.min(target.viewport.history, lines)) } }));
  const scrollBy = (target: AgentView, lines: number) =>
    scrollTo(target, Math.min(update((s) => s).scroll[target.id] ?? 0, target.viewport.history) + lines);
  const pageOf = (target: AgentView) => Math.max(1, (layout.panes.find((pane) => agents[pane.agent] === target)?.height ?? 10) - 4);

  /** Shows `match` of `query` in the pane and remembers where it is among the matches. */
  const show = (target: AgentView, query: string, matches: SearchMatch[], match: SearchMatch) => {
    const index = matches.length - matches.indexOf(match);
    update((state) => ({
      ...state,
      scroll: { ...state.scroll, [target.id]: target.viewport.scrollbackFor(match) },
      search: { ...state.search, [target.id]: { query, current: match, index, total: matches.length } },
    }));
  };

  const runSearch = (target: AgentView, query: string) => {
    const matches = target.viewport.search(query);
    if (matches.length === 0) {
      update((state) => ({ ...state, search: { ...state.search, [target.id]: { query, current: undefined, index: 0, total: 0 } } }));
      overlays.notify(`“${query}” is not in agent ${target.id}’s scrollback`);
      return;
    }
    show(target, query, matches, matches.at(-1)!);
  };

  const stepSearch = (direction: 'older' | 'newer') => {
    const target = selectedAgent()!;
    const current = update((s) => s).search[target.id]!;
    const matches = target.viewport.search(current.query);
    if (matches.length === 0) {
      overlays.notify(`“${current.query}” is not in agent ${target.id}’s scrollback`);
      return;
    }
    const { match, wrapped } = step(matches, current.current, direction);
    show(target, current.query, matches, match);
    if (wrapped) overlays.notify(direction === 'older' ? 'no older match: back to the newest' : 'no newer match: back to the oldest');
  };

  const onMouse = (event: MouseEvent) => {
    // The grid starts under the status bar.
    const pane = paneAt(layout, event.x, event.y - 1);
    const target = pane ? agents[pane.agent] : undefined;
    if (!pane || !target) return;
    if (event.kind === 'wheelUp') scrollBy(target, WHEEL_LINES);
    else if (event.kind === 'wheelDown') scrollBy(target, -WHEEL_LINES);
    else if (event.kind === 'press' && !update((s) => s).focused) update((state) => ({ ...state, selected: pane.agent }));
  };

  const dashboardKeys = useScreenKeys(
    focused ? FOCUS_KEYS : DASHBOARD_KEYS,
    context,
    {
      leave: () => update((state) => ({ ...state, focused: false })),
      nextPane: () => update((state) => ({ ...state, selected: (state.selected + 1) % agents.length })),
      previousPane: () => update((state) => ({ ...state, selected: (state.selected + agents.length - 1) % agents.length })),
      selectPane: ({ input }) => update((state) => ({ ...state, selected: Number(input) - 1 })),
      zoom: () => update((state) => ({ ...state, zoomed: !state.zoomed })),
      focus: () => update((state) => ({ ...state, focused: true })),
      scrollUp: () => scrollBy(selectedAgent()!, pageOf(selectedAgent()!)),
      scrollDown: () => scrollBy(selectedAgent()!, -pageOf(selectedAgent()!)),
      live: () => scrollTo(selectedAgent()!, 0),
      search: () => {
        const target = selectedAgent()!;
        overlays.prompt({
          label: `Search agent ${target.id}’s scrollback`,
          placeholder: 'text to find (capitals make it case-sensitive)',
          initial: update((s) => s).search[target.id]?.query ?? '',
          onSubmit: (query) => (query ? runSearch(target, query) : undefined),
        });
      },
      nextMatch: () => stepSearch('older'),
      previousMatch: () => stepSearch('newer'),
      stop: () => void run.stopAgent(selectedAgent()!.id),
      restart: () => run.restartAgent(selectedAgent()!.id),
      diff: () => onDiff(selectedAgent()!.id),
      settings: onConfig,
      quit: () => {
        const running = agents.filter((a) => isRunning(a.state) || a.state === 'queued').length;
        if (running === 0) onQuit();
        else overlays.confirm(`Stop ${running} running agent${running === 1 ? '' : 's'} and quit? The summary is still written.`, onQuit);
      },
    },
    { onMouse },
  );

  return (
    <Box flexDirection="column" width={width} height={height}>
      <StatusBar phase={run.phase} agents={agents} runId={run.runId} />
      <Box height={gridHeight} width={width} flexDirection="column" overflow="hidden">
        {(covered ? [] : rowsOf(layout)).map((row) => (
          <Box key={row.y} height={row.height} width={width} flexDirection="row" overflow="hidden">
            {row.panes.map((pane) => {
              const view = agents[pane.agent]!;
              return (
                <PaneView
                  key={view.id}
                  agent={view}
                  width={pane.width}
                  height={pane.height}
                  selected={pane.agent === selected}
                  focused={focused && pane.agent === selected}
                  scrollback={Math.min(scroll[view.id] ?? 0, view.viewport.history)}
                  search={search[view.id]}
                  version={store.paneVersion(view.id)}
                  now={now}
                />
              );
            })}
          </Box>
        ))}
        {layout.hidden.length > 0 && !zoomed ? (
          <Text wrap="truncate">
            <Text dimColor>more: </Text>
            {layout.hidden.map((index) => {
              const other = agents[index]!;
              return (
                <Text key={other.id} color={STATE_STYLE[other.state].color}>
                  #{other.id} {STATE_STYLE[other.state].symbol} {other.state}
                  {'  '}
                </Text>
              );
            })}
          </Text>
        ) : null}
      </Box>
      <Footer {...dashboardKeys} note={focused ? `typing into agent ${agent?.id}:` : undefined} />
    </Box>
  );
};
