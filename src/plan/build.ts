import { splitFiles, type SizedFile } from './split.js';
import type { AgentTask, Plan, ProposedTask } from './types.js';

export interface PlanLimits {
  /** Agents at once; with --files also the most tasks the files are split into. */
  maxAgents: number;
  /** Attempts per task: each task is given to this many agents. */
  agentsPerTask: number;
}

const summarizeFiles = (files: readonly string[]): string => {
  if (files.length <= 3) return files.join(', ');
  const dirs = [...new Set(files.map((file) => (file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '.')))];
  return dirs.length === 1 ? `${dirs[0]}/ (${files.length} files)` : `${files.length} files in ${dirs.length} folders`;
};

/** Numbers tasks 1..n, giving each proposed task `agentsPerTask` agents (attempts). */
const numbered = (tasks: readonly Omit<AgentTask, 'agent' | 'attempt'>[], agentsPerTask: number): AgentTask[] =>
  tasks.flatMap((task, taskIndex) =>
    Array.from({ length: agentsPerTask }, (_, attempt) => ({
      ...task,
      files: [...task.files],
      agent: taskIndex * agentsPerTask + attempt + 1,
      attempt: attempt + 1,
    })),
  );

/** With --files: the files split over min(maxAgents, files) tasks, balanced by size, folders kept together. */
export const planFromFiles = (input: { files: readonly SizedFile[]; change: string } & PlanLimits): Plan => {
  const groups = splitFiles(input.files, input.maxAgents);
  const tasks = groups.map((group, index) => {
    const files = group.map((file) => file.path);
    return {
      title: groups.length === 1 ? 'The whole change' : `Part ${index + 1} of ${groups.length}: ${summarizeFiles(files)}`,
      description:
        groups.length === 1
          ? 'Make the whole change described in the PRD.'
          : `Make the part of the change described in the PRD that belongs in your files (${files.join(', ')}). Other agents change the other files at the same time; do not edit files outside your list.`,
      files,
    };
  });
  return { tasks: numbered(tasks, input.agentsPerTask), unassigned: [] };
};

/** Without --files: the PRD model's tasks (paths already validated), at most maxAgents of them. */
export const planFromProposal = (proposal: readonly ProposedTask[], limits: PlanLimits): Plan => {
  const kept = proposal.slice(0, Math.max(1, limits.maxAgents));
  const dropped = proposal.slice(kept.length);
  // Files of tasks beyond the limit are not lost: they wait on the assignment screen.
  const assigned = new Set(kept.flatMap((task) => task.files));
  const unassigned = [...new Set(dropped.flatMap((task) => task.files))].filter((file) => !assigned.has(file));
  return { tasks: numbered(kept, limits.agentsPerTask), unassigned };
};

/** Moves a file to another agent (or to the unassigned list with `to` undefined). */
export const moveFile = (plan: Plan, file: string, to: number | undefined): Plan => {
  const tasks = plan.tasks.map((task) => ({ ...task, files: task.files.filter((f) => f !== file) }));
  const unassigned = plan.unassigned.filter((f) => f !== file);
  const target = tasks.find((task) => task.agent === to);
  if (target) target.files = [...target.files, file].sort();
  else unassigned.push(file);
  return { tasks, unassigned };
};

/** Adds an agent with no files yet (the user gives it files on the assignment screen). */
export const addAgent = (plan: Plan): Plan => {
  const agent = plan.tasks.length + 1;
  return {
    tasks: [
      ...plan.tasks,
      {
        agent,
        title: `Part ${agent}: files you give it`,
        description: 'Make the part of the change described in the PRD that belongs in your files.',
        files: [],
        attempt: 1,
      },
    ],
    unassigned: [...plan.unassigned],
  };
};

/** Removes an agent; its files become unassigned; the others are renumbered 1..n. */
export const removeAgent = (plan: Plan, agent: number): Plan => {
  const removed = plan.tasks.find((task) => task.agent === agent);
  const tasks = plan.tasks.filter((task) => task.agent !== agent).map((task, index) => ({ ...task, agent: index + 1 }));
  return { tasks, unassigned: [...plan.unassigned, ...(removed?.files ?? [])] };
};
