import { UnusableOutputError, type LlmClient, type ModelUsage, type ObjectRequest } from './client.js';
import { type RetryOptions, withRetry } from './retry.js';

/** What asking for an object came to: the parsed value, or why the model's answers were unusable. */
export type AskedObject<T> = { ok: true; value: T } | { ok: false; problem: string };

/**
 * Asks the model for a schema-shaped object and parses it. HTTP failures are retried as `retry`
 * says; an unusable reply, or one `parse` rejects (an error `rejected` recognizes), is asked for
 * again once. Any other error is thrown. Each reply's cost, usable or not, goes to `onUsage` as it
 * comes (a caller that fails later still counts it). The plan, the supervisor, the judge and the
 * pull request text all ask this way.
 */
export const askForObject = async <T>(
  client: LlmClient,
  request: ObjectRequest,
  options: {
    retry: RetryOptions;
    parse: (value: unknown) => T;
    rejected: (error: unknown) => boolean;
    onUsage?: (usage: ModelUsage) => void;
  },
): Promise<AskedObject<T>> => {
  let problem = '';
  for (let attempt = 1; attempt <= 2; attempt++) {
    try {
      const reply = await withRetry(() => client.generateObject(request), options.retry);
      if (reply.usage) options.onUsage?.(reply.usage);
      return { ok: true, value: options.parse(reply.value) };
    } catch (error) {
      if (error instanceof UnusableOutputError) {
        if (error.usage) options.onUsage?.(error.usage);
        problem = error.message;
      } else if (options.rejected(error)) {
        problem = (error as Error).message;
      } else {
        throw error;
      }
    }
  }
  return { ok: false, problem };
};
