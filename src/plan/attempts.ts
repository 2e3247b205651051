import type { AgentTask } from './types.js';

/**
 * The agents of a plan, grouped by task: each group is one task's attempts (--agents-per-task),
 * in agent order. A task's attempts are numbered 1..n and follow each other (plan/build.ts
 * numbered), so a new group starts at an attempt that does not continue the previous one, or at a
 * task of another title.
 */
export const taskGroups = <T extends Pick<AgentTask, 'agent' | 'attempt' | 'title'>>(tasks: readonly T[]): T[][] => {
  const groups: T[][] = [];
  for (const task of [...tasks].sort((a, b) => a.agent - b.agent)) {
    const current = groups.at(-1);
    const previous = current?.at(-1);
    if (current && previous && task.attempt > previous.attempt && task.title === previous.title) current.push(task);
    else groups.push([task]);
  }
  return groups;
};

/** Agent → which task (1-based, in plan order) it is an attempt at, and how many attempts that task has. */
export const attemptsByAgent = (
  tasks: readonly Pick<AgentTask, 'agent' | 'attempt' | 'title'>[],
): Map<number, { task: number; attempt: number; of: number }> => {
  const byAgent = new Map<number, { task: number; attempt: number; of: number }>();
  taskGroups(tasks).forEach((group, index) => {
    for (const task of group) byAgent.set(task.agent, { task: index + 1, attempt: task.attempt, of: group.length });
  });
  return byAgent;
};
