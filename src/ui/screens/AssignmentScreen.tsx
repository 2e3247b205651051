import { Box, Text, useInput } from 'ink';
import { useMemo, useState } from 'react';
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
  const [plan, setPlan] = useState(initialPlan);
  const [cursor, setCursor] = useState(0);
  const [picked, setPicked] = useState<string>();
  const entries = useMemo(() => entriesOf(plan), [plan]);
  const current = entries[Math.min(cursor, entries.length - 1)];
  const currentFile = current?.kind === 'file' ? current.file : undefined;

  /** Keeps the cursor on `file` after the list changed. */
  const update = (next: Plan, follow?: string) => {
    setPlan(next);
    const list = entriesOf(next);
    const index = follow ? list.findIndex((entry) => entry.kind === 'file' && entry.file === follow) : -1;
    setCursor(index >= 0 ? index : Math.min(cursor, list.length - 1));
  };

  useInput(
    (input, key) => {
      if (key.upArrow) setCursor(Math.max(0, cursor - 1));
      if (key.downArrow) setCursor(Math.min(entries.length - 1, cursor + 1));
      if (input === ' ') {
        if (picked) {
          update(moveFile(plan, picked, agentOf(current)), picked);
          setPicked(undefined);
        } else if (currentFile) {
          setPicked(currentFile);
        }
      }
      if (/^[1-9]$/.test(input) && currentFile) {
        const target = Number(input);
        if (plan.tasks.some((task) => task.agent === target)) update(moveFile(plan, currentFile, target), currentFile);
      }
      if (input === 'u' && currentFile) update(moveFile(plan, currentFile, undefined), currentFile);
      if (input === '+' && plan.tasks.length < maxAgents) update(addAgent(plan));
      if (input === '-' && plan.tasks.length > 1) update(removeAgent(plan, agentOf(current) ?? plan.tasks.length));
      if (key.escape) setPicked(undefined);
      if (key.return) onStart(plan);
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
