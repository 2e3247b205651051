import Conf from 'conf';
import type { Settings } from './settings.js';
import { UserError } from '../errors.js';
import { DURATION_LIMITS } from './duration.js';
import { validateSettings } from './validate.js';

/** The settings a user may store (keys and paths of the run stay out: keys live in the environment). */
export type StoredSettings = Partial<
  Pick<
    Settings,
    | 'agentModel'
    | 'prdModel'
    | 'supervisor'
    | 'supervisorModel'
    | 'maxAgents'
    | 'maxIterations'
    | 'agentsPerTask'
    | 'firstWins'
    | 'aiderBin'
    | 'aiderArgs'
    | 'checkCommand'
    | 'idleTimeout'
    | 'checkTimeout'
    | 'geminiBaseUrl'
    | 'prdDir'
    | 'logDir'
    | 'dataDir'
    | 'setupCommand'
    | 'notifyCommand'
    | 'notifyDesktop'
    | 'mouse'
  >
>;

export const STORED_KEYS = [
  'agentModel',
  'prdModel',
  'supervisor',
  'supervisorModel',
  'maxAgents',
  'maxIterations',
  'agentsPerTask',
  'firstWins',
  'aiderBin',
  'aiderArgs',
  'checkCommand',
  'idleTimeout',
  'checkTimeout',
  'geminiBaseUrl',
  'prdDir',
  'logDir',
  'dataDir',
  'setupCommand',
  'notifyCommand',
  'notifyDesktop',
  'mouse',
] as const satisfies readonly (keyof StoredSettings)[];

export interface ConfigStore {
  /** The JSON file (mode 0600). */
  readonly path: string;
  read(): StoredSettings;
  /** Validates, then replaces the stored settings; undefined values are removed. Throws UserError. */
  write(values: StoredSettings): void;
  /** Field → message for every invalid value; empty when all are valid. */
  validate(values: StoredSettings): Partial<Record<keyof StoredSettings, string>>;
}

const text = { type: 'string', minLength: 1 } as const;
const count = (maximum: number) => ({ type: 'integer', minimum: 1, maximum }) as const;
/** Durations are stored in milliseconds (whole seconds). */
const duration = { type: 'integer', minimum: DURATION_LIMITS.minMs, maximum: DURATION_LIMITS.maxMs, multipleOf: 1000 } as const;

/** JSON schema conf checks on every write (and on load: a hand-broken file is reported, not used). */
const SCHEMA = {
  agentModel: text,
  prdModel: text,
  supervisor: { type: 'boolean' },
  supervisorModel: text,
  maxAgents: count(64),
  maxIterations: count(1000),
  agentsPerTask: count(16),
  firstWins: { type: 'boolean' },
  aiderBin: text,
  aiderArgs: { type: 'array', items: { type: 'string' } },
  checkCommand: text,
  idleTimeout: duration,
  checkTimeout: duration,
  geminiBaseUrl: { type: 'string', pattern: '^https?://' },
  prdDir: text,
  logDir: text,
  dataDir: text,
  setupCommand: text,
  notifyCommand: text,
  notifyDesktop: { type: 'boolean' },
  mouse: { type: 'boolean' },
} as const;

/**
 * The stored configuration (conf). Its folder is the OS config folder, or
 * AIDER_ORCHESTRATOR_CONFIG_DIR (tests and portable setups).
 */
export const openConfigStore = (env: NodeJS.ProcessEnv = process.env): ConfigStore => {
  let conf: Conf<StoredSettings>;
  try {
    conf = new Conf<StoredSettings>({
      projectName: 'aider-orchestrator',
      projectSuffix: '',
      cwd: env.AIDER_ORCHESTRATOR_CONFIG_DIR || undefined,
      schema: SCHEMA,
      configFileMode: 0o600,
      clearInvalidConfig: false,
    });
  } catch (error) {
    // A hand-edited file that breaks the schema or is not JSON: say where, do not overwrite it.
    throw new UserError(
      `the stored configuration is invalid (${(error as Error).message}); fix or delete the file (run \`aider-orchestrator config\` to see its path)`,
    );
  }
  const validate = (values: StoredSettings) => validateSettings(values);
  return {
    path: conf.path,
    read: () => {
      const stored: StoredSettings = {};
      for (const key of STORED_KEYS) {
        const value = conf.get(key);
        if (value !== undefined) (stored as Record<string, unknown>)[key] = value;
      }
      return stored;
    },
    write: (values) => {
      validateSettings(values, { throwOnError: true });
      const clean = Object.fromEntries(
        STORED_KEYS.filter((key) => values[key] !== undefined).map((key) => [key, values[key]]),
      ) as StoredSettings;
      conf.store = clean;
    },
    validate,
  };
};
