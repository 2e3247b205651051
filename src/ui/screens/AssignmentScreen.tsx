import { Box, Text } from 'ink';
import { useKeys } from '../hooks/useKeys.js';
import { useKeyState } from '../hooks/useKeyState.js';
import { addAgent, moveFile, removeAgent } from '../../plan/build.js';
import type { Plan } from '../../plan/types.js';
import { Footer } from '../components/Footer.js';

export interface AssignmentScreenProps {
  initialPlan: Plan;
  /** Most agents the plan may have. */
  maxAgents: number;
  height: number;
  error: string | undefined;
  helpOpen: boolean;
  onStart(plan: Plan): void;
  onCancel(): void;
}

/** A line of the list: an agent's header, a file of an agent, or an unassigned file. */
type Entry = { kind: 'agent'; agent: number } | { kind: 'file'; agent: number | undefined; file: string } | { kind: 'unassigned' };

const entriesOf = (plan: Plan): Entry[] => [
  ...plan.tasks.flatMap((task): Entry[] => [{ kind: 'agent', agent: task.agent }, ...task.files.map((file): Entry => ({ kind: 'file', agent: task.agent, file }))]),
  ...(plan.unassigned.length > 0 ? [{ kind: 'unassigned' } as Entry, ...plan.unassigned.map((file): Entry => ({ kind: 'file', agent: undefined, file }))] : []),
];

const agentOf = (entry: Entry | undefined): number | undefined => (entry && entry.kind !== 'unassigned' ? entry.agent : undefined);

/** Review who edits what; move files between agents; add or remove agents; start. */
export const AssignmentScreen = ({ initialPlan, maxAgents, height, error, helpOpen, onStart, onCancel }: AssignmentScreenProps) => {
  const [state, update] = useKeyState({ plan: initialPlan, cursor: 0, picked: undefined as string | undefined });
  const { plan, cursor, picked } = state;
  const entries = entriesOf(plan);

  useKeys(
    (input, key) => {
      const next = update((current) => {
        const list = entriesOf(current.plan);
        const entry = list[Math.min(current.cursor, list.length - 1)];
        const file = entry?.kind === 'file' ? entry.file : undefined;
        /** The plan changed: keep the cursor on `follow` (or where it was). */
        const withPlan = (nextPlan: Plan, follow = file) => {
          const nextList = entriesOf(nextPlan);
          const index = follow ? nextList.findIndex((e) => e.kind === 'file' && e.file === follow) : -1;
          return { ...current, plan: nextPlan, cursor: index >= 0 ? index : Math.min(current.cursor, nextList.length - 1) };
        };
        if (key.upArrow) return { ...current, cursor: Math.max(0, current.cursor - 1) };
        if (key.downArrow) return { ...current, cursor: Math.min(list.length - 1, current.cursor + 1) };
        if (key.escape) return { ...current, picked: undefined };
        if (input === ' ') {
          if (current.picked) return { ...withPlan(moveFile(current.plan, current.picked, agentOf(entry)), current.picked), picked: undefined };
          return file ? { ...current, picked: file } : current;
        }
        if (/^[1-9]$/.test(input) && file && current.plan.tasks.some((task) => task.agent === Number(input))) {
          return withPlan(moveFile(current.plan, file, Number(input)));
        }
        if (input === 'u' && file) return withPlan(moveFile(current.plan, file, undefined));
        if (input === '+' && current.plan.tasks.length < maxAgents) return withPlan(addAgent(current.plan));
        if (input === '-' && current.plan.tasks.length > 1) return withPlan(removeAgent(current.plan, agentOf(entry) ?? current.plan.tasks.length));
        return current;
      });
      if (key.return) onStart(next.plan);
      if (input === 'q' || (key.ctrl && input === 'c')) onCancel();
    },
    { isActive: !helpOpen },
  );

  const listHeight = Math.max(3, height - 4);
  const top = Math.max(0, Math.min(cursor - Math.floor(listHeight / 2), entries.length - listHeight));
  return (
    <Box flexDirection="column" height={height}>
      <Text bold>
        File assignment · {plan.tasks.length} agent{plan.tasks.length === 1 ? '' : 's'} (at most {maxAgents})
        {picked ? <Text color="yellow"> · moving {picked}: Space drops it on the agent under the cursor</Text> : null}
      </Text>
      <Box flexDirection="column" height={listHeight} overflow="hidden">
        {entries.slice(top, top + listHeight).map((entry, i) => {
          const selected = top + i === cursor;
          const mark = selected ? '›' : ' ';
          if (entry.kind === 'agent') {
            const task = plan.tasks.find((t) => t.agent === entry.agent)!;
            return (
              <Text key={`a${entry.agent}`} wrap="truncate" inverse={selected}>
                {mark} <Text bold color="cyan">Agent {entry.agent}</Text> {task.title}
                <Text dimColor> ({task.files.length} file{task.files.length === 1 ? '' : 's'})</Text>
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
              {mark}    {entry.file === picked ? <Text color="yellow">⇅ {entry.file}</Text> : entry.file}
            </Text>
          );
        })}
      </Box>
      <Text color="red" wrap="truncate">
        {error ?? ' '}
      </Text>
      <Footer screen="assignment" />
    </Box>
  );
};
