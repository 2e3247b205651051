import type { AgentTask } from '../plan/types.js';

/** The first message an agent's aider gets: its task, its files, and the PRD. */
export const agentMessage = (task: AgentTask, prd: string): string =>
  [
    `# Your task: ${task.title}`,
    '',
    task.description,
    '',
    task.files.length > 0
      ? `Files you own (already added to the chat): ${task.files.join(', ')}`
      : 'No files were assigned: create or edit what the task needs.',
    '',
    'Work only on your task; other agents work on the other parts in parallel on their own branches.',
    'Make the change completely, then stop.',
    '',
    '# Product requirements (PRD)',
    '',
    prd.trim(),
    '',
  ].join('\n');

/** The follow-up message when the check command fails after a turn. */
export const checkFailedMessage = (command: string, exitCode: number | undefined, output: string): string =>
  [
    `The check \`${command}\` failed (exit code ${exitCode ?? 'unknown'}). Its output (last part):`,
    '',
    '```',
    output.trim(),
    '```',
    '',
    'Fix the cause so that the check passes.',
    '',
  ].join('\n');
