import { Box, Text } from 'ink';
import { useMemo, useRef } from 'react';
import { reviewMessage, type ReviewComment } from '../../agents/reviewComments.js';
import { isUserError } from '../../errors.js';
import { Footer } from '../components/Footer.js';
import { STATE_STYLE } from '../components/stateStyle.js';
import { useAgentDiff } from '../hooks/useAgentDiff.js';
import { useKeyState } from '../hooks/useKeyState.js';
import { useRunStore } from '../hooks/useRunStore.js';
import { useOverlays, useScreenKeys } from '../keys/KeyRouter.js';
import { DIFF_KEYS, type DiffContext } from '../keys/keymap.js';
import type { MouseEvent } from '../keys/keys.js';
import { commentTarget, diffLines, diffRows, placeComments, targetLabel, withMark, type DiffRow } from '../text/diffRows.js';
import { rowToAnsi } from '../text/styledText.js';

/** Lines one notch of the mouse wheel moves the cursor. */
const WHEEL_LINES = 3;

export interface DiffScreenProps {
  agent: number;
  width: number;
  height: number;
  /** The comments written earlier and not sent (they outlive the screen: leaving it keeps them). */
  comments: readonly ReviewComment[];
  onComments(comments: readonly ReviewComment[]): void;
  onBack(): void;
}

interface DiffState {
  /** The line under the cursor (0: the whole change). */
  cursor: number;
  comments: readonly ReviewComment[];
  /** What the last send did, shown until the next comment. */
  sent: string | undefined;
}

/** The first screen row to show so that the cursor's line and its comments are in view, moving as little as it can. */
const follow = (top: number, rows: readonly DiffRow[], cursor: number, height: number): number => {
  const first = rows.findIndex((row) => row.line === cursor);
  if (first < 0) return Math.max(0, Math.min(top, rows.length - height));
  let last = first;
  while (rows[last + 1]?.line === cursor) last += 1;
  if (first < top) return first;
  if (last >= top + height) return Math.max(0, Math.min(first, last - height + 1));
  return Math.max(0, Math.min(top, rows.length - height));
};

const clock = (time: number) => new Date(time).toTimeString().slice(0, 8);

/**
 * One agent's diff against the run's base, read again as the agent commits; a cursor line, the
 * reviewer's comments under their lines, and `S` to send them to the agent as one turn.
 * The dashboard and the summary open the same screen.
 */
export const DiffScreen = ({ agent: id, width, height, comments: initial, onComments, onBack }: DiffScreenProps) => {
  const { run } = useRunStore();
  const overlays = useOverlays();
  const agent = run.agents.find((candidate) => candidate.id === id);
  const diff = useAgentDiff(run, id);
  const [state, update] = useKeyState<DiffState>({ cursor: 0, comments: initial, sent: undefined });
  const { cursor: at, comments } = state;
  const topRef = useRef(0);

  const lines = useMemo(() => diffLines(diff.text), [diff.text]);
  const placed = useMemo(() => placeComments(lines, comments), [lines, comments]);
  const cursor = Math.min(at, lines.length - 1);
  const rows = useMemo(() => diffRows(lines, placed, width), [lines, placed, width]);
  const bodyHeight = Math.max(3, height - 3);
  const top = follow(topRef.current, rows, cursor, bodyHeight);
  topRef.current = top;

  /** Comments and cursor as of the last key (keys can come faster than renders). */
  const now = () => update((s) => s);
  const hereOf = (s: DiffState) => placeComments(lines, s.comments).filter((entry) => entry.line === Math.min(s.cursor, lines.length - 1));
  const context = (): DiffContext => {
    const s = now();
    return {
      agent: agent ? { id: agent.id, state: agent.state } : undefined,
      failed: diff.error,
      comments: s.comments.length,
      here: hereOf(s).length,
    };
  };
  const setComments = (change: (list: readonly ReviewComment[]) => readonly ReviewComment[], sent?: string) => {
    const next = update((s) => ({ ...s, comments: change(s.comments), sent }));
    onComments(next.comments);
  };
  const moveBy = (delta: number) =>
    update((s) => ({ ...s, cursor: Math.max(0, Math.min(lines.length - 1, Math.min(s.cursor, lines.length - 1) + delta)) }));

  const write = () => {
    const target = commentTarget(lines[Math.min(now().cursor, lines.length - 1)]);
    overlays.prompt({
      label: `Comment on ${targetLabel(target)}`,
      placeholder: `what agent ${id} should change here (S sends the comments)`,
      onSubmit: (text) => (text.trim() ? setComments((list) => [...list, { ...target, text: text.trim() }]) : undefined),
    });
  };
  const remove = () => {
    const newest = hereOf(now()).at(-1);
    if (newest) setComments((list) => list.filter((_, i) => i !== newest.index));
  };
  const send = () => {
    const list = now().comments;
    try {
      run.followUp(id, reviewMessage(list));
    } catch (error) {
      overlays.notify(isUserError(error) ? error.message : `the comments were not sent: ${(error as Error).message}`);
      return;
    }
    const count = list.length === 1 ? '1 comment' : `${list.length} comments`;
    setComments(() => [], `${count} sent to agent ${id} at ${clock(Date.now())}: it works on them, and the diff follows its commits`);
  };

  const onMouse = (event: MouseEvent) => {
    if (event.kind === 'wheelUp') moveBy(-WHEEL_LINES);
    else if (event.kind === 'wheelDown') moveBy(WHEEL_LINES);
  };

  const keys = useScreenKeys(
    DIFF_KEYS,
    context,
    {
      lineUp: () => moveBy(-1),
      lineDown: () => moveBy(1),
      pageUp: () => moveBy(-bodyHeight),
      pageDown: () => moveBy(bodyHeight),
      top: () => update((s) => ({ ...s, cursor: 0 })),
      bottom: () => update((s) => ({ ...s, cursor: lines.length - 1 })),
      comment: write,
      deleteComment: remove,
      send,
      back: onBack,
    },
    { onMouse },
  );

  const style = agent ? STATE_STYLE[agent.state] : undefined;
  const status = diff.error
    ? { text: `the diff cannot be read: ${diff.error}`, color: 'red' }
    : state.sent
      ? { text: state.sent, color: 'green' }
      : {
          text:
            diff.readAt === undefined
              ? 'reading the diff…'
              : `read at ${clock(diff.readAt)}; read again as agent ${id} commits · ${comments.length} comment${comments.length === 1 ? '' : 's'} not sent`,
          color: undefined,
        };
  return (
    <Box flexDirection="column" height={height}>
      <Text bold wrap="truncate">
        Agent {id} · {agent?.branch ?? ''}
        {style ? (
          <Text color={style.color}>
            {' '}
            {style.symbol} {agent!.state}
          </Text>
        ) : null}
      </Text>
      <Box flexDirection="column" height={bodyHeight} overflow="hidden">
        {rows.slice(top, top + bodyHeight).map((row, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the row's place in the view is its identity
          <Box key={top + i} height={1} overflow="hidden">
            <Text wrap="truncate">{rowToAnsi(withMark(row, cursor))}</Text>
          </Box>
        ))}
      </Box>
      <Text wrap="truncate" color={status.color} dimColor={!status.color}>
        {status.text}
      </Text>
      <Footer {...keys} />
    </Box>
  );
};
