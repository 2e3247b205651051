import { UserError } from '../errors.js';
import { DURATION_HINT, isDurationMs } from './duration.js';
import type { Settings } from './settings.js';

/** Limits shared by the flags, the environment, the stored config and the config form. */
export const LIMITS = {
  maxAgents: 64,
  maxIterations: 1000,
  agentsPerTask: 16,
} as const;

type Field = keyof Settings;

/** aider's options that would take it out of an interactive session (agents/aiderSession.ts). */
export const NON_INTERACTIVE_AIDER_FLAGS = ['--message', '--msg', '-m', '--message-file', '-f', '--exit', '--no-fancy-input'];
export const isNonInteractiveAiderArg = (arg: string): boolean => NON_INTERACTIVE_AIDER_FLAGS.includes(arg.split('=')[0] ?? arg);

const checkCount = (value: unknown, max: number): string | undefined =>
  typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= max
    ? undefined
    : `must be a whole number from 1 to ${max}`;

const checkText = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim().length > 0 ? undefined : 'must not be empty';

const checkDuration = (value: unknown): string | undefined => (isDurationMs(value) ? undefined : `must be ${DURATION_HINT}`);

const CHECKS: Partial<Record<Field, (value: unknown) => string | undefined>> = {
  agentModel: checkText,
  prdModel: checkText,
  supervisor: (value) => (typeof value === 'boolean' ? undefined : 'must be on or off'),
  supervisorModel: checkText,
  maxAgents: (value) => checkCount(value, LIMITS.maxAgents),
  maxIterations: (value) => checkCount(value, LIMITS.maxIterations),
  agentsPerTask: (value) => checkCount(value, LIMITS.agentsPerTask),
  firstWins: (value) => (typeof value === 'boolean' ? undefined : 'must be on or off'),
  aiderBin: checkText,
  aiderArgs: (value) => {
    if (!Array.isArray(value) || !value.every((arg) => typeof arg === 'string')) return 'must be a list of arguments';
    const refused = value.find(isNonInteractiveAiderArg);
    return refused
      ? `must not contain ${refused} (each agent is an interactive aider session its turns are typed into): leave it out`
      : undefined;
  },
  checkCommand: checkText,
  idleTimeout: checkDuration,
  checkTimeout: checkDuration,
  geminiBaseUrl: (value) => {
    if (typeof value !== 'string') return 'must be a URL';
    try {
      const url = new URL(value);
      return url.protocol === 'http:' || url.protocol === 'https:' ? undefined : 'must start with http:// or https://';
    } catch {
      return 'must be a URL such as https://gateway.example.com';
    }
  },
  prdDir: checkText,
  logDir: checkText,
  dataDir: checkText,
  setupCommand: checkText,
  notifyCommand: checkText,
  notifyDesktop: (value) => (typeof value === 'boolean' ? undefined : 'must be on or off'),
  mouse: (value) => (typeof value === 'boolean' ? undefined : 'must be on or off'),
};

/**
 * Field → message for each set value that is invalid. With throwOnError, the first
 * problem becomes a UserError naming the field (`source` says where it came from).
 */
export const validateSettings = (
  values: Partial<Settings>,
  options: { throwOnError?: boolean; source?: string } = {},
): Partial<Record<Field, string>> => {
  const errors: Partial<Record<Field, string>> = {};
  for (const [field, value] of Object.entries(values) as [Field, unknown][]) {
    if (value === undefined) continue;
    const message = CHECKS[field]?.(value);
    if (message) errors[field] = message;
  }
  const first = Object.entries(errors)[0];
  if (options.throwOnError && first) {
    throw new UserError(`${first[0]} ${first[1]}${options.source ? ` (from ${options.source})` : ''}`);
  }
  return errors;
};
