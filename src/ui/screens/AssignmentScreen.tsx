import { Box, Text } from 'ink';
import { addAgent, moveFile, removeAgent } from '../../plan/build.js';
import type { Plan } from '../../plan/types.js';
import { Footer } from '../components/Footer.js';
import { useKeyState } from '../hooks/useKeyState.js';
import { useScreenKeys } from '../keys/KeyRouter.js';
import { ASSIGNMENT_KEYS, type AssignmentContext } from '../keys/keymap.js';

export interface AssignmentScreenProps {
  initialPlan: Plan;
  /** Most agents the plan may have. */
  maxAgents: number;
  height: number;
  error: string | undefined;
  onStart(plan: Plan): void;
  onCancel(): void;
}

/** A line of the list: an agent's header, a file of an agent, or an unassigned file. */
type Entry = { kind: 'agent'; agent: number } | { kind: 'file'; agent: number | undefined; file: string } | { kind: 'unassigned' };

const entriesOf = (plan: Plan): Entry[] => [
  ...plan.tasks.flatMap((task): Entry[] => [
    { kind: 'agent', agent: task.agent },
    ...task.files.map((file): Entry => ({ kind: 'file', agent: task.agent, file })),
  ]),
  ...(plan.unassigned.length > 0
    ? [{ kind: 'unassigned' } as Entry, ...plan.unassigned.map((file): Entry => ({ kind: 'file', agent: undefined, file }))]
    : []),
];

const agentOf = (entry: Entry | undefined): number | undefined => (entry && entry.kind !== 'unassigned' ? entry.agent : undefined);

interface AssignmentState {
  plan: Plan;
  cursor: number;
  picked: string | undefined;
}

/** The entry under the cursor, and its file if it is one. */
const under = (state: AssignmentState) => {
  const list = entriesOf(state.plan);
  const entry = list[Math.min(state.cursor, list.length - 1)];
  return { list, entry, file: entry?.kind === 'file' ? entry.file : undefined };
};

/** The plan changed: keep the cursor on `follow` (or where it was). */
const withPlan = (state: AssignmentState, plan: Plan, follow: string | undefined): AssignmentState => {
  const list = entriesOf(plan);
  const index = follow ? list.findIndex((e) => e.kind === 'file' && e.file === follow) : -1;
  return { ...state, plan, cursor: index >= 0 ? index : Math.min(state.cursor, list.length - 1) };
};

/** Review who edits what; move files between agents; add or remove agents; start. */
export const AssignmentScreen = ({ initialPlan, maxAgents, height, error, onStart, onCancel }: AssignmentScreenProps) => {
  const [state, update] = useKeyState<AssignmentState>({ plan: initialPlan, cursor: 0, picked: undefined });
  const { plan, cursor, picked } = state;
  const entries = entriesOf(plan);

  const context = (): AssignmentContext => {
    const current = update((s) => s);
    const { entry, file } = under(current);
    return { file, assigned: agentOf(entry) !== undefined, picked: current.picked, agents: current.plan.tasks.length, maxAgents };
  };
  const change = (apply: (current: AssignmentState, file: string | undefined, entry: Entry | undefined) => AssignmentState) =>
    update((current) => {
      const { entry, file } = under(current);
      return apply(current, file, entry);
    });

  const keys = useScreenKeys(ASSIGNMENT_KEYS, context, {
    up: () => change((current) => ({ ...current, cursor: Math.max(0, current.cursor - 1) })),
    down: () => change((current) => ({ ...current, cursor: Math.min(entriesOf(current.plan).length - 1, current.cursor + 1) })),
    pick: () =>
      change((current, file, entry) =>
        current.picked
          ? { ...withPlan(current, moveFile(current.plan, current.picked, agentOf(entry)), current.picked), picked: undefined }
          : { ...current, picked: file },
      ),
    send: ({ input }) => change((current, file) => withPlan(current, moveFile(current.plan, file!, Number(input)), file)),
    unassign: () => change((current, file) => withPlan(current, moveFile(current.plan, file!, undefined), file)),
    addAgent: () => change((current, file) => withPlan(current, addAgent(current.plan), file)),
    removeAgent: () =>
      change((current, file, entry) => withPlan(current, removeAgent(current.plan, agentOf(entry) ?? current.plan.tasks.length), file)),
    putBack: () => change((current) => ({ ...current, picked: undefined })),
    start: () => onStart(update((s) => s).plan),
    cancel: onCancel,
  });

  const listHeight = Math.max(3, height - 3);
  const top = Math.max(0, Math.min(cursor - Math.floor(listHeight / 2), entries.length - listHeight));
  return (
    <Box flexDirection="column" height={height}>
      <Text bold>
        File assignment · {plan.tasks.length} agent{plan.tasks.length === 1 ? '' : 's'} (at most {maxAgents})
        {picked ? <Text color="yellow"> · moving {picked}: Space drops it on the agent under the cursor, Esc puts it back</Text> : null}
      </Text>
      <Box flexDirection="column" height={listHeight} overflow="hidden">
        {entries.slice(top, top + listHeight).map((entry, i) => {
          const selected = top + i === cursor;
          const mark = selected ? '›' : ' ';
          if (entry.kind === 'agent') {
            const task = plan.tasks.find((t) => t.agent === entry.agent)!;
            return (
              <Text key={`a${entry.agent}`} wrap="truncate" inverse={selected}>
                {mark}{' '}
                <Text bold color="cyan">
                  Agent {entry.agent}
                </Text>{' '}
                {task.title}
                <Text dimColor>
                  {' '}
                  ({task.files.length} file{task.files.length === 1 ? '' : 's'})
                </Text>
              </Text>
            );
          }
          if (entry.kind === 'unassigned') {
            return (
              <Text key="unassigned" wrap="truncate" inverse={selected} color="yellow">
                {mark} Unassigned (no agent edits these)
              </Text>
            );
          }
          return (
            <Text key={`f${entry.file}`} wrap="truncate" inverse={selected}>
              {mark} {entry.file === picked ? <Text color="yellow">⇅ {entry.file}</Text> : entry.file}
            </Text>
          );
        })}
      </Box>
      <Text color="red" wrap="truncate">
        {error ?? ' '}
      </Text>
      <Footer {...keys} />
    </Box>
  );
};
