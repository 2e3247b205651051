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
  /** One reply in the provider's structured-output mode, parsed (its shape is the caller's to check). */
  generateObject(request: ObjectRequest): Promise<unknown>;
}

/** The model answered, but not with JSON: worth asking again. */
export class UnusableOutputError extends Error {
  override readonly name = 'UnusableOutputError';
}

/** Long enough for a full PRD from a thinking model; a hung connection is cut after it. */
export const DEFAULT_LLM_TIMEOUT_MS = 180_000;
