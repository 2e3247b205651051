import { describe, expect, it } from 'vitest';
import { analyticsReport, parseAnalyticsEvents } from '../../../src/agents/analyticsLog.js';
import { OutputLines } from '../../../src/agents/outputLines.js';

const line = (event: string, properties: Record<string, unknown> = {}) => JSON.stringify({ event, properties, user_id: 'u', time: 1 });

describe('iterations from the analytics log', () => {
  it('counts message_send events and sums their tokens and cost', () => {
    const text = [
      line('launched'),
      line('message_send_starting'),
      line('message_send', { prompt_tokens: 1200, completion_tokens: 30, total_tokens: 1230, cost: 0.01, total_cost: 0.01 }),
      line('message_send_starting'),
      line('message_send', { prompt_tokens: '800', completion_tokens: 20, total_tokens: 820, cost: 0.02, total_cost: 0.03 }),
      line('exit', { reason: 'Completed --message-file' }),
    ].join('\n');
    const report = analyticsReport(parseAnalyticsEvents(text));
    expect(report.usage).toEqual({ iterations: 2, tokens: { prompt: 2000, completion: 50, total: 2050 }, cost: 0.03 });
    expect(report.starts).toBe(2);
    expect(report.exitReason).toBe('Completed --message-file');
  });

  it('ignores a torn last line and events aider never writes', () => {
    const text = `${line('assistant_response')}\n${line('message_send_starting')}\n{"event": "message_se`;
    const report = analyticsReport(parseAnalyticsEvents(text));
    expect(report.usage.iterations).toBe(0);
    expect(report.starts).toBe(1);
  });
});

describe('output lines for headless mode', () => {
  it('strips colours and keeps what a \\r progress line finally showed', () => {
    const lines: string[] = [];
    const splitter = new OutputLines((text) => lines.push(text));
    splitter.push('\x1b[32mApplied edit to\x1b[0m a.py\r\nWaiting 1s\rWaiting 2s\rDone   ');
    splitter.push('\nCommit abc1234 feat: x\n\n');
    splitter.push('tail without newline');
    splitter.flush();
    expect(lines).toEqual(['Applied edit to a.py', 'Done', 'Commit abc1234 feat: x', 'tail without newline']);
  });
});
