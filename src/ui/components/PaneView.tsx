import { Box, Text } from 'ink';
import { memo } from 'react';
import type { AgentView } from '../../agents/types.js';
import type { SearchMatch } from '../../agents/viewport.js';
import { rowToAnsi } from '../text/styledText.js';
import { formatCount, formatElapsed, STATE_STYLE } from './stateStyle.js';

export interface PaneViewProps {
  agent: AgentView;
  width: number;
  height: number;
  selected: boolean;
  focused: boolean;
  /** Lines scrolled back (0 = live). */
  scrollback: number;
  /** The pane's search: its text, the current match, and which of how many it is. */
  search?: PaneSearch | undefined;
  /** The agent's screen version: the body re-serializes only when it changes. */
  version: number;
  now: number;
}

export interface PaneSearch {
  query: string;
  current: SearchMatch | undefined;
  /** 1-based position of the current match among `total` (newest first). */
  index: number;
  total: number;
}

/** One terminal row: a single Text holding the row's SGR-styled string. */
const Row = ({ ansi }: { ansi: string }) => (
  <Box height={1} overflow="hidden">
    <Text wrap="truncate">{ansi || ' '}</Text>
  </Box>
);

/** The agent's terminal screen; memoized so unchanged panes cost nothing per frame. */
const PaneBody = memo(
  ({
    agent,
    rows,
    scrollback,
    showCursor,
    query,
    current,
    belowLine,
  }: {
    agent: AgentView;
    rows: number;
    belowLine: boolean;
    scrollback: number;
    showCursor: boolean;
    version: number;
    cols: number;
    query: string | undefined;
    current: SearchMatch | undefined;
  }) => {
    const all = agent.viewport.rows({ scrollback, showCursor, highlight: query, current });
    // One row less than the screen (the supervisor's line above it): its bottom, where aider's prompt is.
    const styled = belowLine ? all.slice(Math.max(0, all.length - rows)) : all.slice(0, rows);
    return (
      <Box flexDirection="column" height={rows} overflow="hidden">
        {styled.map((row, y) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a pane's rows are its screen lines: the row number is the identity
          <Row key={y} ansi={rowToAnsi(row)} />
        ))}
      </Box>
    );
  },
);

/**
 * One agent: a title line (id, state, iterations, tokens, elapsed, branch), the supervisor's
 * latest progress and thought, over its live screen.
 */
export const PaneView = ({ agent, width, height, selected, focused, scrollback, search, version, now }: PaneViewProps) => {
  const style = STATE_STYLE[agent.state];
  const elapsed = agent.startedAt ? (agent.finishedAt ?? now) - agent.startedAt : 0;
  const supervision = agent.supervision;
  const rows = Math.max(1, height - 3 - (supervision ? 1 : 0));
  return (
    <Box
      flexDirection="column"
      width={width}
      height={height}
      borderStyle={focused ? 'double' : 'round'}
      borderColor={focused ? 'yellow' : selected ? 'cyan' : 'gray'}
      overflow="hidden"
    >
      <Box height={1} overflow="hidden">
        <Text wrap="truncate">
          <Text bold>#{agent.id}</Text>{' '}
          <Text color={style.color}>
            {style.symbol} {agent.state}
          </Text>{' '}
          <Text>
            {agent.usage.iterations}/{agent.maxIterations}
          </Text>
          {scrollback > 0 ? <Text color="yellow"> ↑{scrollback}</Text> : null}
          {search ? (
            <Text color="yellow">
              {' '}
              /{search.query} {search.total > 0 ? `${search.index}/${search.total}` : 'no match'}
            </Text>
          ) : null}{' '}
          <Text dimColor>{formatCount(agent.usage.tokens.total)} tok</Text> <Text dimColor>{formatElapsed(elapsed)}</Text>{' '}
          <Text dimColor>{agent.branch}</Text>
        </Text>
      </Box>
      {supervision ? (
        <Box height={1} overflow="hidden">
          <Text wrap="truncate" color="magenta">
            {supervision.progress}
            <Text dimColor> — {supervision.thought}</Text>
          </Text>
        </Box>
      ) : null}
      <PaneBody
        agent={agent}
        rows={rows}
        cols={width - 2}
        scrollback={scrollback}
        showCursor={focused}
        version={version}
        query={search?.query}
        belowLine={supervision !== undefined}
        current={search?.current}
      />
    </Box>
  );
};
