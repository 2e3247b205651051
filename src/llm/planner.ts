import type { Schema, Type } from '@google/genai';
import type { GeminiApi } from './geminiClient.js';
import { UserError } from '../errors.js';
import { classifyGeminiError } from './geminiErrors.js';
import { planPrompt, PLAN_SYSTEM_INSTRUCTION } from './prompts.js';
import { DEFAULT_RETRY_POLICY, withRetry, type RetryPolicy } from './retry.js';

/** One task as the PRD model proposes it; src/plan validates paths and assigns agents. */
export interface ProposedTask {
  title: string;
  description: string;
  files: string[];
}

export interface ProposePlanOptions {
  model: string;
  change: string;
  prd: string;
  trackedFiles: string[];
  maxAgents: number;
  signal?: AbortSignal | undefined;
  onRetry?(attempt: number, delayMs: number, reason: string): void;
  retry?: Partial<RetryPolicy>;
}

// The SDK's `Type` enum values, spelled out: importing the enum would load the SDK at start-up.
export const PLAN_RESPONSE_SCHEMA: Schema = {
  type: 'ARRAY' as Type,
  items: {
    type: 'OBJECT' as Type,
    properties: {
      title: { type: 'STRING' as Type },
      description: { type: 'STRING' as Type },
      files: { type: 'ARRAY' as Type, items: { type: 'STRING' as Type } },
    },
    required: ['title', 'description', 'files'],
  },
};

/** Unusable model output, worth one more request. */
class BadPlanError extends Error {}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks the shape of the model's JSON and tidies it (trimmed strings, no
 * duplicate or empty paths). Throws BadPlanError saying what is wrong.
 */
export const parseProposedTasks = (text: string): ProposedTask[] => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BadPlanError('not JSON');
  }
  if (!Array.isArray(parsed)) throw new BadPlanError('not a JSON array');
  if (parsed.length === 0) throw new BadPlanError('no tasks');
  return parsed.map((item: unknown, index) => {
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

/** Asks the PRD model to split the work; bad JSON gets one more request, then a UserError. */
export const proposePlan = async (client: GeminiApi, options: ProposePlanOptions): Promise<ProposedTask[]> => {
  const context = { model: options.model, signal: options.signal };
  const prompt = planPrompt(options);
  const request = (): Promise<string> =>
    withRetry(
      async () => {
        try {
          const response = await client.models.generateContent({
            model: options.model,
            contents: prompt,
            config: {
              systemInstruction: PLAN_SYSTEM_INSTRUCTION,
              responseMimeType: 'application/json',
              responseSchema: PLAN_RESPONSE_SCHEMA,
              abortSignal: options.signal,
            },
          });
          return response.text ?? '';
        } catch (error) {
          throw classifyGeminiError(error, context);
        }
      },
      { ...DEFAULT_RETRY_POLICY, ...options.retry, onRetry: options.onRetry, signal: options.signal },
    );

  let problem = '';
  for (let attempt = 1; attempt <= 2; attempt++) {
    const text = await request();
    try {
      return parseProposedTasks(text);
    } catch (error) {
      if (!(error instanceof BadPlanError)) throw error;
      problem = error.message;
    }
  }
  throw new UserError(
    `Gemini returned an unusable plan twice (${problem}): run again, or pass --files to choose the files yourself`,
  );
};
