import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import type { Plan } from './types.js';

const toPosix = (p: string) => p.split(path.sep).join('/');

/**
 * Turns user- or model-given paths into repo-relative tracked files. A folder stands
 * for the tracked files under it. Rejects paths outside the repo, and paths that are
 * neither tracked nor (with allowMissing) new files aider may create.
 */
export const validatePaths = async (
  root: string,
  paths: readonly string[],
  tracked: readonly string[],
  options: { allowMissing?: boolean } = {},
): Promise<string[]> => {
  const trackedSet = new Set(tracked);
  const result = new Set<string>();
  for (const given of paths) {
    const absolute = path.resolve(root, given);
    const relative = toPosix(path.relative(root, absolute));
    if (relative === '' || relative === '.') {
      tracked.forEach((file) => result.add(file));
      continue;
    }
    if (relative.startsWith('../') || relative === '..' || path.isAbsolute(relative)) {
      throw new UserError(`${given} is outside the repository ${root}: name files inside it`);
    }
    if (relative === '.git' || relative.startsWith('.git/')) {
      throw new UserError(`${given} is inside .git: name the files agents should edit`);
    }
    if (trackedSet.has(relative)) {
      result.add(relative);
      continue;
    }
    const under = tracked.filter((file) => file.startsWith(`${relative}/`));
    if (under.length > 0) {
      under.forEach((file) => result.add(file));
      continue;
    }
    if (options.allowMissing && !fs.existsSync(absolute)) {
      result.add(relative); // a new file the agent will create
      continue;
    }
    if (fs.existsSync(absolute)) {
      throw new UserError(
        `${given} is not committed: agents work from the last commit, so commit it first (or leave it out of --files)`,
      );
    }
    throw new UserError(`${given} does not exist in ${root}: check the path given to --files`);
  }
  return [...result].sort();
};

/** A plan the agents can run: numbered 1..n without gaps, within the limit, each with work. */
export const validatePlan = (plan: Plan, maxTasks: number): void => {
  if (plan.tasks.length === 0) throw new UserError('the plan has no agents: add one (+) before starting');
  if (plan.tasks.length > maxTasks) {
    throw new UserError(`the plan has ${plan.tasks.length} agents, more than the limit of ${maxTasks}: remove some (-)`);
  }
  plan.tasks.forEach((task, index) => {
    if (task.agent !== index + 1) throw new Error(`plan agents must be numbered 1..n in order (got ${task.agent} at ${index + 1})`);
    if (!task.description.trim() && task.files.length === 0) {
      throw new UserError(`agent ${task.agent} has neither a task nor files: give it files or remove it`);
    }
    if (new Set(task.files).size !== task.files.length) throw new Error(`agent ${task.agent} has a file twice`);
  });
};
