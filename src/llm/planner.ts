import { PRD_ROLE } from '../config/providers.js';
import { UserError } from '../errors.js';
import type { JsonSchema, LlmClient } from './client.js';
import { planPrompt, PLAN_SYSTEM_INSTRUCTION } from './prompts.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.js';
import type { ProposedTask } from '../plan/types.js';
import { askForObject } from './askForObject.js';

export interface ProposePlanOptions {
  /** The PRD model, in aider's notation: it writes the plan too. */
  model: string;
  change: string;
  prd: string;
  trackedFiles: string[];
  maxAgents: number;
  signal?: AbortSignal | undefined;
  onRetry?(attempt: number, delayMs: number, reason: string): void;
  retry?: Partial<RetryPolicy>;
}

/**
 * The plan's shape. An object at the top, because OpenAI's json_schema and Anthropic's tool
 * input accept nothing else; strict-mode rules (every property required, no others) so
 * OpenAI can enforce it.
 */
export const PLAN_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    tasks: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          title: { type: 'string' },
          description: { type: 'string' },
          files: { type: 'array', items: { type: 'string' } },
        },
        required: ['title', 'description', 'files'],
        additionalProperties: false,
      },
    },
  },
  required: ['tasks'],
  additionalProperties: false,
};

/** Unusable model output, worth one more request. */
class BadPlanError extends Error {}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks the shape of the model's JSON (`{tasks: [...]}`, or the bare list a model in plain
 * JSON mode may send) and tidies it: trimmed strings, no duplicate or empty paths.
 * Throws BadPlanError saying what is wrong.
 */
export const parseProposedTasks = (value: unknown): ProposedTask[] => {
  const tasks: unknown = isRecord(value) ? value.tasks : value;
  if (!Array.isArray(tasks)) throw new BadPlanError('no list of tasks');
  if (tasks.length === 0) throw new BadPlanError('no tasks');
  return tasks.map((item: unknown, index) => {
    const where = `task ${index + 1}`;
    if (!isRecord(item)) throw new BadPlanError(`${where} is not an object`);
    const { title, description, files } = item;
    if (typeof title !== 'string' || !title.trim()) throw new BadPlanError(`${where} has no title`);
    if (typeof description !== 'string') throw new BadPlanError(`${where} has no description`);
    if (!Array.isArray(files) || !files.every((file) => typeof file === 'string')) {
      throw new BadPlanError(`${where} has no list of files`);
    }
    const paths = [...new Set(files.map((file) => file.trim()).filter(Boolean))];
    return { title: title.trim(), description: description.trim(), files: paths };
  });
};

/** Asks the PRD model to split the work; an unusable answer gets one more request, then a UserError. */
export const proposePlan = async (client: LlmClient, options: ProposePlanOptions): Promise<ProposedTask[]> => {
  const provider = client.providerName(options.model);
  const request = {
    model: options.model,
    role: PRD_ROLE,
    system: PLAN_SYSTEM_INSTRUCTION,
    prompt: planPrompt(options),
    schema: PLAN_SCHEMA,
    name: 'plan',
    signal: options.signal,
  };
  const retry = { ...DEFAULT_RETRY_POLICY, ...options.retry, label: provider, onRetry: options.onRetry, signal: options.signal };

  const asked = await askForObject(client, request, {
    retry,
    parse: parseProposedTasks,
    rejected: (error) => error instanceof BadPlanError,
  });
  if (asked.ok) return asked.value;
  throw new UserError(
    `${provider} returned an unusable plan twice (${asked.problem}): run again, or pass --files to choose the files yourself`,
  );
};
