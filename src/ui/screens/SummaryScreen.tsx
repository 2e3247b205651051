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
  /** `resolve`: conflicts go to an agent (R). */
  onMerge(resolve: boolean): void;
  /** Best of n: make this attempt its task's winner. */
  onPickWinner(agent: number): void;
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

/** A merge or pull request report line: failed check (and its output) red, left out or refused yellow, the rest green. */
const reportColor = (line: string): string =>
  line.startsWith('check failed') || line.startsWith('  ')
    ? 'red'
    : /conflicts|^error|cannot|refused|rejected|already open|no /.test(line)
      ? 'yellow'
      : 'green';

const cell = (text: string, width: number) => text.slice(0, width).padEnd(width);

/** An agent at work again after the summary was written (a follow-up): its live state and iterations, else undefined. */
const atWork = (run: { phase: string; agents: readonly AgentView[] }, id: number): AgentView | undefined => {
  if (run.phase === 'summary') return undefined;
  const live = run.agents.find((agent) => agent.id === id);
  return live && !isFinalState(live.state) ? live : undefined;
};

/** Best of n, for the selected agent: its task and attempt, and whether and why it won. */
const attemptLine = (agent: AgentSummary, agents: readonly AgentSummary[]): string | undefined => {
  const { attempt } = agent;
  if (!attempt) return undefined;
  const where = `task ${attempt.task}, attempt ${attempt.attempt} of ${attempt.of}`;
  if (agent.winner && agent.judgement) return `${where} · winner (${agent.judgement.by}): ${agent.judgement.reason}`;
  const winner = agents.find((other) => other.attempt?.task === attempt.task && other.winner);
  return winner
    ? `${where} · not picked: agent ${winner.id} won (${winner.judgement?.by ?? '?'})`
    : `${where} · no winner: no attempt succeeded`;
};

/** What --first-wins stopped for the selected winner, and the estimate of what that saved. */
const firstWinsLine = (agent: AgentSummary): string | undefined => {
  const saving = agent.firstWins;
  if (!saving || saving.stopped.length === 0) return undefined;
  return `--first-wins stopped agent${saving.stopped.length === 1 ? '' : 's'} ${saving.stopped.join(', ')} after $${saving.stoppedCost.toFixed(4)}; estimated saving $${saving.estimatedCostAvoided.toFixed(4)} (if each had cost what this winner did)`;
};

/** The summary JSON, as a table: per agent status, iterations, tokens, cost, time, commits, files. */
export const SummaryScreen = ({
  summary,
  height,
  onDiff,
  onMerge,
  onPickWinner,
  mergeReport,
  onPullRequest,
  pullRequestReport,
  onBack,
  onQuit,
}: SummaryScreenProps) => {
  const { run } = useRunStore();
  const [selected, select] = useKeyState(0);
  const overlays = useOverlays();
  const pullRequesting = pullRequestReport?.[0] === PREPARING_PULL_REQUEST || pullRequestReport?.[0] === OPENING_PULL_REQUEST;
  const agents = summary.agents;
  const agent = agents[selected];
  const bestOfN = agents.some((a) => a.attempt);
  const working = agent ? atWork(run, agent.id) : undefined;
  const stateOf = (row: AgentSummary): AgentState => atWork(run, row.id)?.state ?? row.status;
  const selectedAgent = () => {
    const row = agents[select((i) => i)];
    return row ? { id: row.id, state: stateOf(row), worktree: run.hasWorktree(row.id) } : undefined;
  };
  const keys = useScreenKeys(
    SUMMARY_KEYS,
    () => ({
      agents: agents.length,
      succeeded: summary.totals.succeeded,
      merging: mergeReport?.[0] === MERGING,
      pullRequesting,
      selected: agent
        ? { attempts: agent.attempt?.of ?? 1, succeeded: agent.status === 'succeeded', winner: agent.winner === true }
        : undefined,
      agent: selectedAgent(),
    }),
    {
      up: () => select((i) => Math.max(0, i - 1)),
      down: () => select((i) => Math.min(agents.length - 1, i + 1)),
      diff: () => onDiff(agents[select((i) => i)]!.id),
      merge: () => onMerge(false),
      resolve: () => onMerge(true),
      pickWinner: () => onPickWinner(agents[select((i) => i)]!.id),
      pullRequest: () => onPullRequest((question, onYes, onNo) => overlays.confirm(question, onYes, onNo)),
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
        {bestOfN ? cell('task', 9) : null}
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
            {bestOfN ? (
              <Text color={row.winner ? 'green' : undefined} bold={row.winner}>
                {cell(row.attempt ? `${row.attempt.task}/${row.attempt.attempt}${row.winner ? ' win' : ''}` : '', 9)}
              </Text>
            ) : null}
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
        {bestOfN ? cell('', 9) : null}
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
            {[attemptLine(agent, agents), firstWinsLine(agent)].filter(Boolean).map((line) => (
              <Text key={line} wrap="truncate" color={agent.winner ? 'green' : 'yellow'}>
                {line}
              </Text>
            ))}
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
        <Text key={line} wrap="truncate" color={reportColor(line)}>
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
