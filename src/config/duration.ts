/** Time limits as people type them: `90s`, `10m`, `1h30m`; a bare number is seconds. */

export const DURATION_LIMITS = { minMs: 1000, maxMs: 24 * 60 * 60 * 1000 } as const;

const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000 };

/** What a duration must look like, for error messages. */
export const DURATION_HINT = 'a duration such as 90s, 10m or 1h30m (a bare number is seconds), from 1s to 24h';

/** Milliseconds, or undefined when `text` is not a duration within DURATION_LIMITS. */
export const parseDuration = (text: string): number | undefined => {
  const trimmed = text.trim().toLowerCase();
  let ms: number;
  if (/^\d+$/.test(trimmed)) {
    ms = Number(trimmed) * 1000;
  } else {
    const parts = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(trimmed);
    if (!parts || trimmed === '') return undefined;
    const [, h = '0', m = '0', s = '0'] = parts;
    ms = Number(h) * UNIT_MS.h! + Number(m) * UNIT_MS.m! + Number(s) * UNIT_MS.s!;
  }
  return isDurationMs(ms) ? ms : undefined;
};

/** A whole number of seconds within DURATION_LIMITS, in milliseconds (settings store them so). */
export const isDurationMs = (value: unknown): value is number =>
  typeof value === 'number' &&
  Number.isInteger(value) &&
  value % 1000 === 0 &&
  value >= DURATION_LIMITS.minMs &&
  value <= DURATION_LIMITS.maxMs;

/** 600000 → `10m`, 90000 → `1m30s`, 5400000 → `1h30m` (parseDuration reads it back). */
export const formatDuration = (ms: number): string => {
  let seconds = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(seconds / 3600);
  seconds -= h * 3600;
  const m = Math.floor(seconds / 60);
  const s = seconds - m * 60;
  const text = `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
  return text || '0s';
};
