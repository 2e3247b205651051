import type { ModelRole } from '../config/providers.js';

/** A JSON Schema (draft 7 subset: type, properties, items, required, description, additionalProperties). */
export type JsonSchema = { [key: string]: unknown };

export interface ModelRequest {
  /** The model in aider's notation: `gemini-2.5-flash`, `openai/gpt-4.1`, `anthropic/claude-sonnet-4-5`... */
  model: string;
  /** Who asks (the PRD model, the supervisor...): named in messages with the flag that picks the model. */
  role: ModelRole;
  system: string;
  prompt: string;
  signal?: AbortSignal | undefined;
}

export interface ObjectRequest extends ModelRequest {
  /** What the reply must match; an object at the top (OpenAI and Anthropic accept nothing else). */
  schema: JsonSchema;
  /** A short name for it (some providers send it as the tool or schema name). */
  name: string;
}

/** Tokens a call used, as the provider reported them (0 where it reported nothing). */
export interface ModelUsage {
  prompt: number;
  completion: number;
  total: number;
}

export const noUsage = (): ModelUsage => ({ prompt: 0, completion: 0, total: 0 });

export const addModelUsage = (a: ModelUsage, b: ModelUsage): ModelUsage => ({
  prompt: a.prompt + b.prompt,
  completion: a.completion + b.completion,
  total: a.total + b.total,
});

/** A structured reply: the parsed JSON (its shape is the caller's to check) and what it cost. */
export interface GeneratedObject {
  value: unknown;
  /** Undefined when the provider sent no token counts. */
  usage: ModelUsage | undefined;
}

export interface StreamedText {
  text: string;
  /** The provider's own finish reason (`STOP`, `SAFETY`, `stop`, `length`...), if it sent one. */
  finishReason: string | undefined;
}

/**
 * The app's one interface to the models it calls itself (PRD, plan, supervisor), whatever the
 * provider. Each call makes exactly one HTTP attempt: llm/retry.ts is the only retry loop.
 * Failures come classified: UserError (tell the user, one line), RetryableError (worth another
 * attempt), CancelledError (the signal), UnusableOutputError (generateObject: not JSON), or the
 * original error (a bug).
 */
export interface LlmClient {
  /** The provider that serves `model`, for messages ("Gemini", "OpenAI"...). */
  providerName(model: string): string;
  /** Streams the reply; `onText` gets each piece as it arrives. */
  streamText(request: ModelRequest, onText: (piece: string) => void): Promise<StreamedText>;
  /** One reply in the provider's structured-output mode, parsed (its shape is the caller's to check), with its token usage. */
  generateObject(request: ObjectRequest): Promise<GeneratedObject>;
}

/** The model answered, but not with JSON: worth asking again. */
export class UnusableOutputError extends Error {
  override readonly name = 'UnusableOutputError';
  /** What the unusable reply cost, when the provider said. */
  readonly usage: ModelUsage | undefined;

  constructor(message: string, options?: { cause?: unknown; usage?: ModelUsage | undefined }) {
    super(message, options);
    this.usage = options?.usage;
  }
}

/** Long enough for a full PRD from a thinking model; a hung connection is cut after it. */
export const DEFAULT_LLM_TIMEOUT_MS = 180_000;
