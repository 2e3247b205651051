import fs from 'node:fs';
import { emptyUsage, type Usage } from './types.js';

/** One line of aider's `--analytics-log` JSONL. */
export interface AnalyticsEvent {
  event: string;
  properties: Record<string, unknown>;
  time?: number;
}

/** What an analytics log says: the signals the agent's state and the summary rest on. */
export interface AnalyticsReport {
  usage: Usage;
  /** `message_send_starting` events: LLM calls begun (the last may still be in flight). */
  starts: number;
  /** `message_send_exception` events: LLM calls that failed. */
  exceptions: number;
  /** The `exit` event's reason, when aider wrote one. */
  exitReason: string | undefined;
  /** Events of any kind: a new one is a sign of life. */
  events: number;
}

const num = (value: unknown): number => {
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : 0;
};

/** Parses complete JSONL lines; a torn last line (aider still writing) is ignored. */
export const parseAnalyticsEvents = (text: string): AnalyticsEvent[] =>
  text.split('\n').flatMap((line) => {
    if (!line.trim()) return [];
    try {
      const parsed = JSON.parse(line) as Partial<AnalyticsEvent>;
      return typeof parsed.event === 'string' ? [{ event: parsed.event, properties: parsed.properties ?? {}, time: parsed.time }] : [];
    } catch {
      return [];
    }
  });

/**
 * Iterations are `message_send` events (one per completed LLM call); their token
 * counts and cost add up to the agent's usage.
 */
export const analyticsReport = (events: readonly AnalyticsEvent[]): AnalyticsReport => {
  const usage = emptyUsage();
  let starts = 0;
  let exceptions = 0;
  let exitReason: string | undefined;
  for (const { event, properties } of events) {
    if (event === 'message_send') {
      usage.iterations += 1;
      usage.tokens.prompt += num(properties.prompt_tokens);
      usage.tokens.completion += num(properties.completion_tokens);
      usage.tokens.total += num(properties.total_tokens);
      usage.cost += num(properties.cost);
    } else if (event === 'message_send_starting') {
      starts += 1;
    } else if (event === 'message_send_exception') {
      exceptions += 1;
    } else if (event === 'exit') {
      exitReason = typeof properties.reason === 'string' ? properties.reason : String(properties.reason ?? '');
    }
  }
  return { usage, starts, exceptions, exitReason, events: events.length };
};

/** Reads and sums a log file; a missing file (aider not started yet) is an empty report. */
export const readAnalyticsReport = (file: string): AnalyticsReport => {
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    // not written yet
  }
  return analyticsReport(parseAnalyticsEvents(text));
};

/** Usage a + b (earlier runs of a restarted agent plus the current one). */
export const addUsage = (a: Usage, b: Usage): Usage => ({
  iterations: a.iterations + b.iterations,
  tokens: {
    prompt: a.tokens.prompt + b.tokens.prompt,
    completion: a.tokens.completion + b.tokens.completion,
    total: a.tokens.total + b.tokens.total,
  },
  cost: a.cost + b.cost,
});
