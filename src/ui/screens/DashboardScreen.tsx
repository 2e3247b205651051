import { Box, Text, useStdin } from 'ink';
import { useKeys } from '../hooks/useKeys.js';
import { useEffect, useState } from 'react';
import { useKeyState } from '../hooks/useKeyState.js';
import { Footer } from '../components/Footer.js';
import { PaneView } from '../components/PaneView.js';
import { StatusBar } from '../components/StatusBar.js';
import { STATE_STYLE } from '../components/stateStyle.js';
import { useRunStore } from '../hooks/useRunStore.js';
import { gridLayout, paneInnerSize } from '../layout/grid.js';

/** Ctrl-] leaves focus mode (bare Esc belongs to aider). */
const LEAVE_FOCUS = '\x1d';

export interface DashboardScreenProps {
  width: number;
  height: number;
  helpOpen: boolean;
  onQuit(): void;
  onConfig(): void;
  onHelp(): void;
}

const isRunning = (state: string) => state === 'starting' || state === 'working' || state === 'waiting';

/** Every agent live in a grid of panes; select, zoom, scroll, type into, stop and restart agents. */
export const DashboardScreen = ({ width, height, helpOpen, onQuit, onConfig, onHelp }: DashboardScreenProps) => {
  const store = useRunStore();
  const { run } = store;
  const agents = run.agents;
  const [ui, update] = useKeyState({ selected: 0, zoomed: false, focused: false, confirmQuit: false, scroll: {} as Record<number, number> });
  const { selected, zoomed, focused, confirmQuit, scroll } = ui;
  const [now, setNow] = useState(Date.now());
  const { stdin } = useStdin();

  const gridHeight = Math.max(4, height - 2);
  const layout = gridLayout(agents.length, width, gridHeight, Math.min(selected, agents.length - 1), zoomed);
  const agent = agents[selected];

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

  // Focus mode: raw keystrokes go to aider's pty unchanged.
  useEffect(() => {
    if (!focused || !agent) return;
    agent.setFocused?.(true);
    const onData = (data: Buffer | string) => {
      if (!update((state) => state).focused) return; // left focus; the listener goes with the next effect run
      const text = data.toString();
      if (text.includes(LEAVE_FOCUS)) {
        update((state) => ({ ...state, focused: false }));
        return;
      }
      agent.write(text);
    };
    stdin.on('data', onData);
    return () => {
      stdin.off('data', onData);
      agent.setFocused?.(false);
    };
  }, [focused, agent, stdin]);

  useKeys(
    (input, key) => {
      const before = update((state) => state);
      if (before.confirmQuit) {
        update((state) => ({ ...state, confirmQuit: false }));
        if (input === 'y') onQuit();
        return;
      }
      const count = Math.max(1, agents.length);
      const current = agents[before.selected];
      const pageSize = Math.max(1, (layout.panes.find((pane) => pane.agent === before.selected)?.height ?? 10) - 4);
      const scrollBy = (lines: number) =>
        current &&
        update((state) => {
          const max = current.terminal.buffer.active.baseY;
          const at = Math.max(0, Math.min(max, (state.scroll[current.id] ?? 0) + lines));
          return { ...state, scroll: { ...state.scroll, [current.id]: at } };
        });
      if (key.tab) update((state) => ({ ...state, selected: (state.selected + (key.shift ? count - 1 : 1)) % count }));
      else if (/^[1-9]$/.test(input) && Number(input) <= agents.length) update((state) => ({ ...state, selected: Number(input) - 1 }));
      else if (input === 'z') update((state) => ({ ...state, zoomed: !state.zoomed }));
      else if (key.return && current && isRunning(current.state)) update((state) => ({ ...state, focused: true }));
      else if (key.pageUp) scrollBy(pageSize);
      else if (key.pageDown) scrollBy(-pageSize);
      else if (input === 's' && current) void run.stopAgent(current.id);
      else if (input === 'R' && current) run.restartAgent(current.id);
      else if (input === 'c') onConfig();
      else if (input === '?') onHelp();
      else if (input === 'q' || (key.ctrl && input === 'c')) {
        if (agents.some((a) => isRunning(a.state) || a.state === 'queued')) update((state) => ({ ...state, confirmQuit: true }));
        else onQuit();
      }
    },
    { isActive: !focused && !helpOpen },
  );

  const running = agents.filter((a) => isRunning(a.state) || a.state === 'queued').length;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <StatusBar phase={run.phase} agents={agents} runId={run.runId} />
      <Box height={gridHeight} width={width} flexDirection="column" overflow="hidden">
        <Box height={layout.hidden.length > 0 && !zoomed ? gridHeight - 1 : gridHeight} width={width} flexWrap="wrap" overflow="hidden">
          {layout.panes.map((pane) => {
            const view = agents[pane.agent]!;
            return (
              <PaneView
                key={view.id}
                agent={view}
                width={pane.width}
                height={pane.height}
                selected={pane.agent === selected}
                focused={focused && pane.agent === selected}
                scrollback={scroll[view.id] ?? 0}
                version={store.paneVersion(view.id)}
                now={now}
              />
            );
          })}
        </Box>
        {layout.hidden.length > 0 && !zoomed ? (
          <Text wrap="truncate">
            <Text dimColor>more: </Text>
            {layout.hidden.map((index) => {
              const other = agents[index]!;
              return (
                <Text key={other.id} color={STATE_STYLE[other.state].color}>
                  #{other.id} {STATE_STYLE[other.state].symbol} {other.state}{'  '}
                </Text>
              );
            })}
          </Text>
        ) : null}
      </Box>
      {confirmQuit ? (
        <Text color="yellow">
          Stop {running} running agent{running === 1 ? '' : 's'} and quit? The summary is still written. (y/n)
        </Text>
      ) : (
        <Footer screen={focused ? 'focus' : 'dashboard'} note={focused ? `typing into agent ${agent?.id}` : undefined} />
      )}
    </Box>
  );
};
