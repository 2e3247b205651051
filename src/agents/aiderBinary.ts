import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { UserError } from '../errors.js';
import { makePrivateDir } from '../logs/privateFiles.js';

/** The aider-chat version `setup` installs and the tests pin. */
export const AIDER_VERSION = '0.86.2';

export interface LocatedAider {
  bin: string;
  /** As `aider --version` prints it, e.g. `0.86.2`. */
  version: string;
  source: 'flag or config' | 'PATH' | 'managed venv';
}

/** The oldest aider whose flags and analytics events the orchestrator relies on. */
export const MIN_AIDER_VERSION = [0, 86] as const;

/** Refuses an aider older than MIN_AIDER_VERSION (an unparsable version is let through). */
const checkVersion = (found: LocatedAider): LocatedAider => {
  const match = /^(\d+)\.(\d+)/.exec(found.version);
  if (!match) return found;
  const [major, minor] = [Number(match[1]), Number(match[2])];
  if (major > MIN_AIDER_VERSION[0] || (major === MIN_AIDER_VERSION[0] && minor >= MIN_AIDER_VERSION[1])) return found;
  throw new UserError(
    `${found.bin} is aider ${found.version}, older than the ${MIN_AIDER_VERSION.join('.')} this app needs: run \`aider-orchestrator setup\`, or pip install -U aider-chat, or pass --aider-bin <path>`,
  );
};

/** The app's own virtualenv (created by `aider-orchestrator setup`). */
export const managedVenvDir = (dataDir: string): string => path.join(dataDir, 'venv');
export const managedAiderBin = (dataDir: string): string => path.join(managedVenvDir(dataDir), 'bin', 'aider');

const isExecutable = (file: string): boolean => {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
};

/** `name` on the PATH of `env`, like `command -v`. */
export const findOnPath = (name: string, env: NodeJS.ProcessEnv): string | undefined =>
  (env.PATH ?? '')
    .split(path.delimiter)
    .filter(Boolean)
    .map((dir) => path.join(dir, name))
    .find(isExecutable);

/**
 * `aider --version` costs about a second (Python imports); its answer is kept per
 * executable (path, size and mtime) in the data folder, so later starts skip it.
 */
const versionCacheFile = (dataDir: string) => path.join(dataDir, 'aider-versions.json');

/** An executable's identity for caches: its real path, size and mtime (a reinstall changes it). */
export const executableKey = (bin: string): string | undefined => {
  try {
    const real = fs.realpathSync(bin);
    const stat = fs.statSync(real);
    return `${real}:${stat.size}:${stat.mtimeMs}`;
  } catch {
    return undefined;
  }
};

const readVersionCache = (dataDir: string): Record<string, string> => {
  try {
    return JSON.parse(fs.readFileSync(versionCacheFile(dataDir), 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
};

const aiderVersion = async (bin: string, env: NodeJS.ProcessEnv, dataDir: string, signal?: AbortSignal): Promise<string | undefined> => {
  const key = executableKey(bin);
  const cache = readVersionCache(dataDir);
  if (key && cache[key]) return cache[key];
  const version = await runAiderVersion(bin, env, signal);
  if (key && version) {
    try {
      makePrivateDir(dataDir);
      fs.writeFileSync(versionCacheFile(dataDir), JSON.stringify({ ...cache, [key]: version }, null, 2));
    } catch {
      // a cache only: the next start asks aider again
    }
  }
  return version;
};

/** Runs `aider --version`; undefined when it does not run. */
const runAiderVersion = async (bin: string, env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<string | undefined> => {
  const result = await execa(bin, ['--version'], {
    cancelSignal: signal,
    reject: false,
    timeout: 120_000,
    env: { ...env, LITELLM_LOCAL_MODEL_COST_MAP: 'True' },
    extendEnv: false,
  });
  if (result.failed) return undefined;
  return (
    String(result.stdout)
      .trim()
      .replace(/^aider\s+/i, '') || 'unknown'
  );
};

const SETUP_HINT =
  "run `aider-orchestrator setup` (installs aider-chat into the app's own virtualenv), or `pip install aider-chat` and put aider on PATH, or pass --aider-bin <path>";

/**
 * The aider locateAider tries first, found without running anything: other checks that need
 * aider (its model list) start on it while its version is checked.
 */
export const expectedAiderBin = (options: {
  aiderBin: string | undefined;
  dataDir: string;
  env: NodeJS.ProcessEnv;
}): string | undefined => {
  if (options.aiderBin) return options.aiderBin.includes('/') ? path.resolve(options.aiderBin) : findOnPath(options.aiderBin, options.env);
  const managed = managedAiderBin(options.dataDir);
  return findOnPath('aider', options.env) ?? (isExecutable(managed) ? managed : undefined);
};

/**
 * Finds aider: --aider-bin/config/env first, then `aider` on PATH, then the managed venv.
 * Checks that it really runs.
 */
export const locateAider = async (options: {
  aiderBin: string | undefined;
  dataDir: string;
  env: NodeJS.ProcessEnv;
  /** Aborted when the user cancels: a running version check is stopped. */
  signal?: AbortSignal | undefined;
}): Promise<LocatedAider> => {
  const { env } = options;
  if (options.aiderBin) {
    const bin = options.aiderBin.includes('/') ? path.resolve(options.aiderBin) : findOnPath(options.aiderBin, env);
    if (!bin || !isExecutable(bin)) {
      throw new UserError(`aider not found at ${options.aiderBin} (from --aider-bin or config): check the path, or ${SETUP_HINT}`);
    }
    const version = await aiderVersion(bin, env, options.dataDir, options.signal);
    if (!version) throw new UserError(`${bin} does not run as aider (\`${bin} --version\` failed): reinstall it, or ${SETUP_HINT}`);
    return checkVersion({ bin, version, source: 'flag or config' });
  }
  const candidates: [string | undefined, LocatedAider['source']][] = [
    [findOnPath('aider', env), 'PATH'],
    [isExecutable(managedAiderBin(options.dataDir)) ? managedAiderBin(options.dataDir) : undefined, 'managed venv'],
  ];
  for (const [bin, source] of candidates) {
    if (!bin) continue;
    const version = await aiderVersion(bin, env, options.dataDir, options.signal);
    if (version) return checkVersion({ bin, version, source });
  }
  throw new UserError(`aider is not installed (not on PATH, not in ${managedVenvDir(options.dataDir)}): ${SETUP_HINT}`);
};
