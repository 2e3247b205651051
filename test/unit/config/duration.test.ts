import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerRun } from '../../../src/cli/commands/run.js';
import { formatDuration, parseDuration } from '../../../src/config/duration.js';
import { settingsFromEnv } from '../../../src/config/env.js';
import { resolveSettings } from '../../../src/config/resolve.js';
import { UserError } from '../../../src/errors.js';

describe('durations as people type them', () => {
  it('reads seconds, minutes, hours and their combinations; a bare number is seconds', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('10m')).toBe(600_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('2m5s')).toBe(125_000);
    expect(parseDuration(' 15M ')).toBe(900_000);
    expect(parseDuration('45')).toBe(45_000);
  });

  it('refuses what is not a duration, or is outside 1s to 24h', () => {
    for (const text of ['', 'soon', '10 m', '1.5m', '-5s', '10ms', 'm', '0', '0s', '25h', '1d']) {
      expect(parseDuration(text), text).toBeUndefined();
    }
    expect(parseDuration('24h')).toBe(86_400_000);
  });

  it('writes them back the way they are read', () => {
    for (const text of ['1s', '90s', '10m', '1h', '1h30m', '2h0m5s']) {
      expect(parseDuration(formatDuration(parseDuration(text)!))).toBe(parseDuration(text));
    }
    expect(formatDuration(600_000)).toBe('10m');
    expect(formatDuration(90_000)).toBe('1m30s');
    expect(formatDuration(3_605_000)).toBe('1h5s');
  });
});

describe('--idle-timeout and --check-timeout, their variables and settings', () => {
  const parse = (argv: string[]) => {
    let flags: Record<string, unknown> = {};
    const program = registerRun(new Command('aider-orchestrator'), { argv: [], exit: () => {} }, async (f) => {
      flags = f as unknown as Record<string, unknown>;
      return 0;
    })
      .exitOverride()
      .configureOutput({ writeErr: () => {} });
    return program.parseAsync(['node', 'ao', ...argv]).then(() => flags);
  };

  it('parses the flags into milliseconds', async () => {
    const flags = await parse(['--idle-timeout', '90s', '--check-timeout', '20m']);
    expect(flags.idleTimeout).toBe(90_000);
    expect(flags.checkTimeout).toBe(1_200_000);
  });

  it('rejects a flag that is not a duration with a message that says what one is', async () => {
    await expect(parse(['--idle-timeout', 'soon'])).rejects.toThrow(/--idle-timeout must be a duration such as 90s, 10m or 1h30m/);
  });

  it('reads the environment, and says which variable is wrong', () => {
    expect(settingsFromEnv({ AIDER_ORCHESTRATOR_IDLE_TIMEOUT: '5m', AIDER_ORCHESTRATOR_CHECK_TIMEOUT: '30' })).toMatchObject({
      idleTimeout: 300_000,
      checkTimeout: 30_000,
    });
    expect(() => settingsFromEnv({ AIDER_ORCHESTRATOR_CHECK_TIMEOUT: 'forever' })).toThrow(UserError);
    expect(() => settingsFromEnv({ AIDER_ORCHESTRATOR_CHECK_TIMEOUT: 'forever' })).toThrow(
      /AIDER_ORCHESTRATOR_CHECK_TIMEOUT=forever is not a duration/,
    );
  });

  it('defaults both to 10 minutes and rejects a stored value that is no duration', () => {
    const settings = resolveSettings({});
    expect([settings.idleTimeout, settings.checkTimeout]).toEqual([600_000, 600_000]);
    expect(() => resolveSettings({ stored: { idleTimeout: 500 } })).toThrow(
      /idleTimeout must be a duration .* \(from the stored configuration\)/,
    );
  });
});
