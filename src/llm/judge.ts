import { SUPERVISOR_ROLE } from '../config/providers.js';
import { CancelledError, UserError } from '../errors.js';
import type { Redactor } from '../logs/redact.js';
import { addModelUsage, noUsage, type JsonSchema, type LlmClient, type ModelUsage } from './client.js';
import { JUDGE_SYSTEM_INSTRUCTION, judgePrompt } from './prompts.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.js';
import { boundDiff, headBounded } from './supervisorContext.js';
import { oneLine } from './transportErrors.js';
import { askForObject } from './askForObject.js';

/**
 * The judge of best-of-n (--agents-per-task): the supervisor model reads a task and the diffs of
 * its attempts that are still level after the check, and picks one with a one-line reason.
 * The policy around it (who is a finalist, the tie-break when it fails) is orchestrator/bestOfN.ts.
 */

/**
 * Bounds, so one call stays about the size of a supervisor call (some 50,000 characters) however
 * many attempts and however large their diffs: the diffs share one budget, each whole files first
 * (supervisorContext.ts boundDiff), with a floor so even eight attempts show their start.
 */
export const JUDGE_BOUNDS = {
  taskChars: 4_000,
  diffCharsTotal: 40_000,
  minDiffChars: 4_000,
  /** A reason longer than this is not the one line asked for: unusable. */
  reasonChars: 500,
} as const;

/** One attempt as the judge sees it. */
export interface JudgeAttempt {
  /** How the model names it in its answer (the agent number). */
  label: string;
  /** `git diff <base> HEAD` of its branch, unbounded. */
  diff: string;
  linesChanged: number;
  check: string;
}

export interface JudgeInput {
  task: { title: string; description: string; files: readonly string[] };
  checkCommand: string | undefined;
  attempts: readonly JudgeAttempt[];
}

export interface JudgeOptions {
  /** The supervisor's model (config/settings.ts supervisorModelOf). */
  model: string;
  /** The run's redactor: everything sent to the model, and the failure reason, is masked by it. */
  redactor: Redactor;
  signal?: AbortSignal | undefined;
  retry?: Partial<RetryPolicy>;
}

export type JudgeOutcome =
  | { ok: true; label: string; reason: string; usage: ModelUsage }
  | { ok: false; reason: string; usage: ModelUsage; cancelled: boolean };

/** The answer's shape; the label is one of the attempts' (checked again by parseJudgement). */
export const judgeSchema = (labels: readonly string[]): JsonSchema => ({
  type: 'object',
  properties: {
    attempt: { type: 'string', enum: [...labels], description: 'the label of the attempt to keep' },
    reason: { type: 'string', description: `one line on why (at most ${JUDGE_BOUNDS.reasonChars} characters)` },
  },
  required: ['attempt', 'reason'],
  additionalProperties: false,
});

/** A reply that is JSON but not a usable pick. */
export class BadJudgementError extends Error {
  override readonly name = 'BadJudgementError';
}

/** Checks the model's JSON: an object naming one of `labels`, with a reason of one line. */
export const parseJudgement = (value: unknown, labels: readonly string[]): { label: string; reason: string } => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BadJudgementError('not an object');
  const { attempt, reason } = value as Record<string, unknown>;
  const label = typeof attempt === 'number' ? String(attempt) : attempt;
  if (typeof label !== 'string') throw new BadJudgementError(`attempt is ${attempt === undefined ? 'missing' : 'not a string'}`);
  const picked = label.trim().replace(/^(attempt|agent)\s+/i, '');
  if (!labels.includes(picked))
    throw new BadJudgementError(`attempt ${JSON.stringify(oneLine(label, 40))} is none of ${labels.join(', ')}`);
  if (typeof reason !== 'string') throw new BadJudgementError(`reason is ${reason === undefined ? 'missing' : 'not a string'}`);
  const line = reason.replace(/\s+/g, ' ').trim();
  if (!line) throw new BadJudgementError('reason is empty');
  if (line.length > JUDGE_BOUNDS.reasonChars) {
    throw new BadJudgementError(`reason is ${line.length} characters long, over the ${JUDGE_BOUNDS.reasonChars} allowed`);
  }
  return { label: picked, reason: line };
};

/** The judge prompt: the task and each attempt's facts and diff, masked, then bounded. */
export const buildJudgePrompt = (input: JudgeInput, redactor: Redactor): string => {
  const redact = (text: string) => redactor.redact(text);
  const { task } = input;
  const taskText = [
    `Title: ${task.title.trim()}`,
    '',
    task.description.trim(),
    '',
    `Files assigned: ${task.files.join(', ') || 'none'}`,
  ].join('\n');
  const perDiff = Math.max(JUDGE_BOUNDS.minDiffChars, Math.floor(JUDGE_BOUNDS.diffCharsTotal / Math.max(1, input.attempts.length)));
  return redact(
    judgePrompt({
      task: headBounded(redact(taskText), JUDGE_BOUNDS.taskChars),
      checkCommand: input.checkCommand ? redact(input.checkCommand) : undefined,
      attempts: input.attempts.map((attempt) => ({
        label: attempt.label,
        facts: `Check: ${attempt.check}. Lines changed (added + removed): ${attempt.linesChanged}.`,
        diff: boundDiff(redact(attempt.diff), perDiff),
      })),
    }),
  );
};

const REASON_MAX_CHARS = 400;

/**
 * Asks the judge model which attempt to keep. HTTP failures are retried (llm/retry.ts), an
 * unusable reply is asked again once. Never throws: a failure comes back as a one-line reason,
 * and the policy falls back to its tie-break.
 */
export const pickAttempt = async (client: LlmClient, input: JudgeInput, options: JudgeOptions): Promise<JudgeOutcome> => {
  const { model, redactor, signal } = options;
  let usage = noUsage();
  const fail = (reason: string, cancelled = false): JudgeOutcome => ({
    ok: false,
    reason: oneLine(redactor.redact(reason), REASON_MAX_CHARS),
    usage,
    cancelled,
  });
  const labels = input.attempts.map((attempt) => attempt.label);
  let provider = 'the model';
  try {
    provider = client.providerName(model);
    const request = {
      model,
      role: SUPERVISOR_ROLE,
      system: JUDGE_SYSTEM_INSTRUCTION,
      prompt: buildJudgePrompt(input, redactor),
      schema: judgeSchema(labels),
      name: 'judgement',
      signal,
    };
    const retry = { ...DEFAULT_RETRY_POLICY, ...options.retry, label: provider, signal };
    const asked = await askForObject(client, request, {
      retry,
      parse: (value) => parseJudgement(value, labels),
      rejected: (error) => error instanceof BadJudgementError,
      onUsage: (spent) => (usage = addModelUsage(usage, spent)),
    });
    if (!asked.ok) return fail(`${model} gave an unusable answer twice: ${asked.problem}`);
    return { ok: true, label: asked.value.label, reason: redactor.redact(asked.value.reason), usage };
  } catch (error) {
    if (error instanceof CancelledError || signal?.aborted) return fail('cancelled', true);
    if (error instanceof UserError) return fail(`${model}: ${error.message}`);
    return fail(`${model} failed unexpectedly (${provider}: ${(error as Error).message ?? String(error)})`);
  }
};
