import { Box, Text } from 'ink';
import { isFinalState, type AgentState, type AgentView } from '../../agents/types.js';
import { isUserError } from '../../errors.js';
import type { AgentSummary, RunSummary } from '../../logs/types.js';
import { Footer } from '../components/Footer.js';
import { useKeyState } from '../hooks/useKeyState.js';
import { useRunStore } from '../hooks/useRunStore.js';
import { useOverlays, useScreenKeys } from '../keys/KeyRouter.js';
import { SUMMARY_KEYS } from '../keys/keymap.js';
import { formatCount, formatElapsed, STATE_STYLE } from '../components/stateStyle.js';

export interface SummaryScreenProps {
  summary: RunSummary;
  height: number;
  onDiff(agent: number): void;
  onMerge(): void;
  /** What the last merge did. */
  mergeReport: readonly string[] | undefined;
  onBack(): void;
  onQuit(): void;
}

/** The merge report while the merge runs. */
export const MERGING = 'merging…';

const cell = (text: string, width: number) => text.slice(0, width).padEnd(width);

/** An agent at work again after the summary was written (a follow-up): its live state and iterations, else undefined. */
const atWork = (run: { phase: string; agents: readonly AgentView[] }, id: number): AgentView | undefined => {
  if (run.phase === 'summary') return undefined;
  const live = run.agents.find((agent) => agent.id === id);
  return live && !isFinalState(live.state) ? live : undefined;
};

/** The summary JSON, as a table: per agent status, iterations, tokens, cost, time, commits, files. */
export const SummaryScreen = ({ summary, height, onDiff, onMerge, mergeReport, onBack, onQuit }: SummaryScreenProps) => {
  const { run } = useRunStore();
  const overlays = useOverlays();
  const [selected, select] = useKeyState(0);
  const agents = summary.agents;
  const agent = agents[selected];
  const working = agent ? atWork(run, agent.id) : undefined;
  const stateOf = (row: AgentSummary): AgentState => atWork(run, row.id)?.state ?? row.status;
  const selectedAgent = () => {
    const row = agents[select((i) => i)];
    return row ? { id: row.id, state: stateOf(row), worktree: run.hasWorktree(row.id) } : undefined;
  };
  const keys = useScreenKeys(
    SUMMARY_KEYS,
    () => ({ agents: agents.length, succeeded: summary.totals.succeeded, merging: mergeReport?.[0] === MERGING, agent: selectedAgent() }),
    {
      up: () => select((i) => Math.max(0, i - 1)),
      down: () => select((i) => Math.min(agents.length - 1, i + 1)),
      diff: () => onDiff(agents[select((i) => i)]!.id),
      merge: onMerge,
      followUp: () => {
        const id = selectedAgent()!.id;
        overlays.prompt({
          label: `Follow-up for agent ${id}: what should it do next?`,
          placeholder: 'one more instruction, in the same conversation',
          onSubmit: (message) => {
            if (!message.trim()) {
              overlays.notify(`no message typed: agent ${id} stays as it is`);
              return;
            }
            try {
              run.followUp(id, message);
            } catch (error) {
              if (!isUserError(error)) throw error;
              overlays.notify((error as Error).message);
            }
          },
        });
      },
      back: onBack,
      quit: onQuit,
    },
  );
  const { totals } = summary;
  const report = mergeReport ?? [];
  const detailHeight = Math.max(3, height - agents.length - 8 - report.length);
  return (
    <Box flexDirection="column" height={height}>
      <Text bold>
        Summary · run {summary.runId} ·{' '}
        <Text color={summary.status === 'succeeded' ? 'green' : summary.status === 'failed' ? 'red' : 'magenta'}>{summary.status}</Text>
      </Text>
      <Text dimColor>
        {cell('agent', 6)}
        {cell('status', 13)}
        {cell('iter', 6)}
        {cell('tokens', 8)}
        {cell('cost', 9)}
        {cell('time', 7)}
        {cell('commits', 8)}
        {cell('files', 6)}branch
      </Text>
      {agents.map((row, i) => {
        const state = stateOf(row);
        return (
          <Text key={row.id} inverse={i === selected} wrap="truncate">
            {cell(`#${row.id}`, 6)}
            <Text color={STATE_STYLE[state].color}>{cell(`${STATE_STYLE[state].symbol} ${state}`, 13)}</Text>
            {cell(String(atWork(run, row.id)?.usage.iterations ?? row.iterations), 6)}
            {cell(formatCount(row.tokens.total), 8)}
            {cell(`$${row.cost.toFixed(4)}`, 9)}
            {cell(formatElapsed(row.durationMs), 7)}
            {cell(String(row.commits.length), 8)}
            {cell(String(row.filesChanged.length), 6)}
            {row.branch}
          </Text>
        );
      })}
      <Text bold wrap="truncate">
        {cell('total', 6)}
        {cell(`${totals.succeeded}/${agents.length} ok`, 13)}
        {cell(String(totals.iterations), 6)}
        {cell(formatCount(totals.tokens.total), 8)}
        {cell(`$${totals.cost.toFixed(4)}`, 9)}
      </Text>
      <Box flexDirection="column" height={detailHeight} marginTop={1} overflow="hidden">
        {agent ? (
          <>
            <Text wrap="truncate">
              <Text bold>#{agent.id}</Text>{' '}
              {working ? (
                <Text color="cyan">
                  working on the follow-up{working.reason ? ` (${working.reason})` : ''}: the summary is updated when it is done · b shows
                  its pane
                </Text>
              ) : agent.reason ? (
                <Text color="red">{agent.reason}</Text>
              ) : null}
            </Text>
            {agent.commits.map((commit) => (
              <Text key={commit.hash} wrap="truncate">
                <Text color="yellow">{commit.hash.slice(0, 7)}</Text> {commit.message}
              </Text>
            ))}
            {agent.filesChanged.map((change) => (
              <Text key={change.path} wrap="truncate">
                {'  '}
                <Text color="green">+{change.added}</Text> <Text color="red">-{change.removed}</Text> {change.path}
              </Text>
            ))}
          </>
        ) : null}
      </Box>
      {report.map((line) => (
        <Text key={line} wrap="truncate" color={line.includes('conflicts') ? 'yellow' : 'green'}>
          {line}
        </Text>
      ))}
      <Text wrap="truncate" dimColor>
        PRD {summary.prdPath ?? '(none)'} · logs {summary.logDir} · summary {summary.summaryPath ?? '(not written)'}
      </Text>
      <Text wrap="truncate" dimColor>
        merge: git merge {agent?.branch ?? '<branch>'}
      </Text>
      <Footer {...keys} />
    </Box>
  );
};
