import { Box, Text } from 'ink';
import type { RunSummary } from '../../logs/types.js';
import { Footer } from '../components/Footer.js';
import { useKeyState } from '../hooks/useKeyState.js';
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
  /** `p`: the app prepares the pull request and asks through `ask` before it pushes anything. */
  onPullRequest(ask: (question: string, onYes: () => void, onNo: () => void) => void): void;
  /** What the last pull request did (or will do, while the question is open). */
  pullRequestReport: readonly string[] | undefined;
  onBack(): void;
  onQuit(): void;
}

/** The merge report while the merge runs. */
export const MERGING = 'merging…';
/** The pull request report while it is prepared, and while it is pushed and opened. */
export const PREPARING_PULL_REQUEST = 'checking the remote and GitHub…';
export const OPENING_PULL_REQUEST = 'pushing and opening the pull request…';

const cell = (text: string, width: number) => text.slice(0, width).padEnd(width);

/** The summary JSON, as a table: per agent status, iterations, tokens, cost, time, commits, files. */
export const SummaryScreen = ({
  summary,
  height,
  onDiff,
  onMerge,
  mergeReport,
  onPullRequest,
  pullRequestReport,
  onBack,
  onQuit,
}: SummaryScreenProps) => {
  const [selected, select] = useKeyState(0);
  const overlays = useOverlays();
  const pullRequesting = pullRequestReport?.[0] === PREPARING_PULL_REQUEST || pullRequestReport?.[0] === OPENING_PULL_REQUEST;
  const agents = summary.agents;
  const agent = agents[selected];
  const keys = useScreenKeys(
    SUMMARY_KEYS,
    { agents: agents.length, succeeded: summary.totals.succeeded, merging: mergeReport?.[0] === MERGING, pullRequesting },
    {
      up: () => select((i) => Math.max(0, i - 1)),
      down: () => select((i) => Math.min(agents.length - 1, i + 1)),
      diff: () => onDiff(agents[select((i) => i)]!.id),
      merge: onMerge,
      pullRequest: () => onPullRequest((question, onYes, onNo) => overlays.confirm(question, onYes, onNo)),
      back: onBack,
      quit: onQuit,
    },
  );
  const { totals } = summary;
  const report = [...(mergeReport ?? []), ...(pullRequestReport ?? [])];
  const pullRequests = summary.pullRequests ?? [];
  const detailHeight = Math.max(3, height - agents.length - 8 - report.length - pullRequests.length);
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
      {agents.map((row, i) => (
        <Text key={row.id} inverse={i === selected} wrap="truncate">
          {cell(`#${row.id}`, 6)}
          <Text color={STATE_STYLE[row.status].color}>{cell(`${STATE_STYLE[row.status].symbol} ${row.status}`, 13)}</Text>
          {cell(String(row.iterations), 6)}
          {cell(formatCount(row.tokens.total), 8)}
          {cell(`$${row.cost.toFixed(4)}`, 9)}
          {cell(formatElapsed(row.durationMs), 7)}
          {cell(String(row.commits.length), 8)}
          {cell(String(row.filesChanged.length), 6)}
          {row.branch}
        </Text>
      ))}
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
              <Text bold>#{agent.id}</Text> {agent.reason ? <Text color="red">{agent.reason}</Text> : null}
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
        <Text
          key={line}
          wrap="truncate"
          color={/conflicts|^error|cannot|refused|rejected|already open|no /.test(line) ? 'yellow' : 'green'}
        >
          {line}
        </Text>
      ))}
      {pullRequests.map((pr) => (
        <Text key={pr.branch} wrap="truncate">
          pull request #{pr.number} <Text color="cyan">{pr.url}</Text> ({pr.branch})
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
