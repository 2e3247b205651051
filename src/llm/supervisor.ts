import { SUPERVISOR_ROLE } from '../config/providers.js';
import { CancelledError, UserError } from '../errors.js';
import type { Redactor } from '../logs/redact.js';
import type { DecisionRecord } from '../logs/types.js';
import { addModelUsage, noUsage, type JsonSchema, type LlmClient, type ModelUsage } from './client.js';
import { supervisorPrompt, SUPERVISOR_SYSTEM_INSTRUCTION } from './prompts.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.js';
import { buildSupervisorContext, type SupervisorInput } from './supervisorContext.js';
import { oneLine } from './transportErrors.js';
import { askForObject } from './askForObject.js';

/**
 * What the supervisor may decide after a turn: type an instruction into the agent's session, run
 * the check command, or finish the agent.
 */
export const SUPERVISOR_ACTIONS = ['instruct', 'check', 'finish'] as const;
export type SupervisorAction = (typeof SUPERVISOR_ACTIONS)[number];

/** The supervisor's answer after a turn (the 100x-orchestrator's agent model answered the same four parts). */
export interface SupervisorDecision {
  /** One line on how far the task is; shown under the agent's pane title. */
  progress: string;
  /** Its reasoning, briefly; shown beside the progress and logged. */
  thought: string;
  action: SupervisorAction;
  /** For instruct: the instruction typed into the agent's session. Empty for the other actions. */
  message: string;
  /** What it expects next; logged. */
  future: string;
}

/**
 * Field limits. A decision beyond them is unusable (asked again once): a progress line longer
 * than a pane is wide, or an instruction longer than a page, is not what was asked for.
 */
export const DECISION_LIMITS = {
  progress: 300,
  thought: 2_000,
  message: 4_000,
  future: 1_000,
} as const;

/**
 * The decision's shape: an object at the top, every property required and no others (OpenAI's
 * strict json_schema mode). The limits are checked by parseDecision, not here: strict mode
 * accepts no maxLength.
 */
export const DECISION_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    progress: { type: 'string', description: `one line: how far the task is (at most ${DECISION_LIMITS.progress} characters)` },
    thought: { type: 'string', description: `your reasoning, briefly (at most ${DECISION_LIMITS.thought} characters)` },
    action: { type: 'string', enum: [...SUPERVISOR_ACTIONS], description: 'instruct, check or finish' },
    message: {
      type: 'string',
      description: `for instruct: the next instruction for the agent (at most ${DECISION_LIMITS.message} characters); empty otherwise`,
    },
    future: { type: 'string', description: `what you expect to happen next (at most ${DECISION_LIMITS.future} characters)` },
  },
  required: ['progress', 'thought', 'action', 'message', 'future'],
  additionalProperties: false,
};

/** A reply that is JSON but not a usable decision; says what is wrong. */
export class BadDecisionError extends Error {
  override readonly name = 'BadDecisionError';
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks the model's JSON and tidies it (trimmed strings, the progress on one line). Throws
 * BadDecisionError for junk: not an object, a field missing or not a string, an action that is
 * none of the three, an instruct without a message, a field over its limit.
 */
export const parseDecision = (value: unknown): SupervisorDecision => {
  if (!isRecord(value)) throw new BadDecisionError('not an object');
  const text = (field: keyof typeof DECISION_LIMITS): string => {
    const raw = value[field];
    if (typeof raw !== 'string') throw new BadDecisionError(`${field} is ${raw === undefined ? 'missing' : 'not a string'}`);
    const trimmed = raw.trim();
    if (trimmed.length > DECISION_LIMITS[field]) {
      throw new BadDecisionError(`${field} is ${trimmed.length} characters long, over the ${DECISION_LIMITS[field]} allowed`);
    }
    return trimmed;
  };
  const rawAction = value.action;
  if (typeof rawAction !== 'string') throw new BadDecisionError(`action is ${rawAction === undefined ? 'missing' : 'not a string'}`);
  const action = rawAction.trim().toLowerCase();
  if (!(SUPERVISOR_ACTIONS as readonly string[]).includes(action)) {
    throw new BadDecisionError(`action ${JSON.stringify(oneLine(rawAction, 40))} is not instruct, check or finish`);
  }
  const progress = text('progress').replace(/\s+/g, ' ');
  if (!progress) throw new BadDecisionError('progress is empty');
  const decision: SupervisorDecision = {
    progress,
    thought: text('thought'),
    action: action as SupervisorAction,
    message: text('message'),
    future: text('future'),
  };
  if (decision.action === 'instruct' && !decision.message) throw new BadDecisionError('instruct without a message');
  return decision;
};

export interface DecideOptions {
  /** The supervisor's model, in aider's notation (config/settings.ts supervisorModelOf). */
  model: string;
  /** The run's redactor: everything sent to the model, and the failure reason, is masked by it. */
  redactor: Redactor;
  signal?: AbortSignal | undefined;
  /** Before each retry of a failed HTTP attempt (429, 5xx, network). */
  onRetry?(attempt: number, delayMs: number, reason: string): void;
  retry?: Partial<RetryPolicy>;
}

/** The supervisor's answer, or why there is none; never thrown, so an agent's loop cannot hang on it. */
export type SupervisorOutcome =
  | {
      ok: true;
      decision: SupervisorDecision;
      /** Tokens of every request this decision took (an unusable first reply included). */
      usage: ModelUsage;
    }
  | {
      ok: false;
      /** One line, masked: why the agent finishes ("the supervisor model ... failed: ..."). */
      reason: string;
      usage: ModelUsage;
      /** The run was cancelled (the signal): not the supervisor's fault. */
      cancelled: boolean;
      /** An error the app did not expect (a bug), kept for the log; undefined for the known failures. */
      error?: unknown;
    };

/** A failure reason is one line of reasonable length (a server's message can be long). */
const REASON_MAX_CHARS = 400;

/**
 * Asks the supervisor model what the agent should do next, from the bounded, masked context of
 * its latest turn (supervisorContext.ts). HTTP failures are retried as for the PRD (llm/retry.ts);
 * an unusable reply is asked again once. It never throws: a failure comes back as a one-line
 * reason (a rejected key, a server still failing after the retries, junk twice, the run cancelled).
 */
export const decideNextStep = async (client: LlmClient, input: SupervisorInput, options: DecideOptions): Promise<SupervisorOutcome> => {
  const { model, redactor, signal } = options;
  let usage = noUsage();
  const fail = (reason: string, extra: { cancelled?: boolean; error?: unknown } = {}): SupervisorOutcome => ({
    ok: false,
    reason: oneLine(redactor.redact(reason), REASON_MAX_CHARS),
    usage,
    cancelled: extra.cancelled ?? false,
    ...(extra.error === undefined ? {} : { error: extra.error }),
  });
  let provider = 'the model';
  try {
    provider = client.providerName(model);
    const prompt = redactor.redact(supervisorPrompt(buildSupervisorContext(input, redactor)));
    const request = {
      model,
      role: SUPERVISOR_ROLE,
      system: SUPERVISOR_SYSTEM_INSTRUCTION,
      prompt,
      schema: DECISION_SCHEMA,
      name: 'decision',
      signal,
    };
    const retry = { ...DEFAULT_RETRY_POLICY, ...options.retry, label: provider, onRetry: options.onRetry, signal };
    const asked = await askForObject(client, request, {
      retry,
      parse: parseDecision,
      rejected: (error) => error instanceof BadDecisionError,
      onUsage: (spent) => (usage = addModelUsage(usage, spent)),
    });
    if (!asked.ok) return fail(`the supervisor model ${model} gave an unusable decision twice (${asked.problem})`);
    return { ok: true, decision: asked.value, usage };
  } catch (error) {
    if (error instanceof CancelledError || signal?.aborted) return fail('the supervisor was cancelled', { cancelled: true });
    if (error instanceof UserError) return fail(`the supervisor model ${model} failed: ${error.message}`);
    return fail(`the supervisor model ${model} failed unexpectedly (${provider}: ${(error as Error).message ?? String(error)})`, { error });
  }
};

/**
 * A supervisor call as the summary's `decisions` and the agent's log (`supervisor` events) keep
 * it. `cost` in USD, when the caller knows the model's price.
 */
export const decisionRecord = (outcome: SupervisorOutcome, time: Date, cost = 0): DecisionRecord => {
  const common = { time: time.toISOString(), tokens: { ...outcome.usage }, cost };
  if (outcome.ok) {
    const { progress, thought, action, message, future } = outcome.decision;
    return { ...common, action, progress, thought, message, future };
  }
  return { ...common, action: 'failed', progress: '', thought: '', message: outcome.reason, future: '' };
};
