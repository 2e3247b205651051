import { SUPERVISOR_SYSTEM_INSTRUCTION } from '../llm/prompts.js';
import { wholeFileEdit, type ChatReply, type RecordedChatRequest } from '../standins/openaiStandIn.js';
import type { GeminiReply, RecordedRequest } from '../standins/geminiStandIn.js';
import { DEMO_CHANGE, SAMPLE_EDITS } from './sampleProject.js';

/** The PRD the demo's Gemini stand-in writes. */
export const DEMO_PRD = `# PRD: Low-stock alerts

## Problem
Shop staff find out that an item ran out only when a customer asks for it. The inventory
tool knows the quantities but never says when one is running low.

## Goal
${DEMO_CHANGE}.

## Requirements
1. Every item has a reorder level (default 10 units).
2. The store can list the items below their reorder level, fewest first.
3. Removing more units than are on the shelf is refused with a clear error.
4. The text report marks low items with LOW and ends with a "Reorder soon" line.
5. The README explains the alerts.

## Out of scope
Notifications by e-mail or chat; per-supplier lead times.

## Acceptance
- \`Item("nuts", 8, 0.05).is_low_stock()\` is true; with 120 units it is false.
- The report for the sample data lists "Reorder soon: nuts".
`;

/** The demo's plan: one task per part of the change. */
export const DEMO_PLAN = [
  {
    title: 'Reorder level on items',
    description: 'Add reorder_level (default 10) and is_low_stock() to Item.',
    files: ['inventory/models.py'],
  },
  {
    title: 'Low-stock query in the store',
    description: 'Add Store.low_stock() and refuse removing more than is on the shelf.',
    files: ['inventory/store.py'],
  },
  {
    title: 'Alerts in the report and README',
    description: 'Mark low items in the report, add the "Reorder soon" line, document it.',
    files: ['inventory/report.py', 'README.md'],
  },
];

/** The demo supervisor's answer after an agent's turn: each task is done in one turn. */
export const DEMO_DECISION = {
  progress: 'the task is done and committed',
  thought: 'the diff makes the change the task asks for',
  action: 'finish',
  message: '',
  future: 'the branch is ready to merge',
};

/** Gemini stand-in: the PRD streamed at a readable pace; the plan and the supervisor's decisions as structured JSON. */
export const demoGeminiReply = (request: RecordedRequest): GeminiReply => {
  if (request.stream) return { text: DEMO_PRD, chunks: 40, chunkDelayMs: 40 };
  // The supervisor's request carries its system instruction; the plan's does not.
  if (request.prompt.includes(SUPERVISOR_SYSTEM_INSTRUCTION.slice(0, 80))) return { json: DEMO_DECISION };
  return { json: { tasks: DEMO_PLAN } };
};

/** OpenAI stand-in: the new content of the files in the agent's chat, streamed like a model types. */
export const demoAgentReply = (request: RecordedChatRequest): ChatReply => {
  const files = Object.keys(SAMPLE_EDITS).filter((file) => request.text.includes(`${file}\n\`\`\``));
  if (files.length === 0) return { text: 'The change is complete.' };
  const text = [
    `I'll make the change in ${files.join(' and ')}.`,
    '',
    ...files.map((file) => wholeFileEdit(file, SAMPLE_EDITS[file]!, file.endsWith('.py') ? 'python' : 'markdown')),
  ].join('\n');
  return { text, chunks: Math.ceil(text.length / 24), chunkDelayMs: 25 };
};

const COMMIT_MESSAGES: [string, string][] = [
  ['inventory/models.py', 'feat(models): add reorder level and is_low_stock to Item'],
  ['inventory/store.py', 'feat(store): list low-stock items, refuse over-removal'],
  ['inventory/report.py', 'feat(report): mark low items and list what to reorder'],
  ['README.md', 'docs: explain low-stock alerts'],
];

/** Commit messages by the file the diff touches. */
export const demoCommitMessage = (request: RecordedChatRequest): string =>
  COMMIT_MESSAGES.find(([file]) => request.text.includes(file))?.[1] ?? 'chore: low-stock alerts';
