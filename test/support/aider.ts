import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { AIDER_VERSION, findOnPath, managedAiderBin } from '../../src/agents/aiderBinary.js';

/**
 * Where `npm test` installs the pinned aider when it finds none: the data folder of an
 * `aider-orchestrator setup` in the user's cache, shared by every checkout and every run.
 */
export const TEST_AIDER_DATA_DIR = path.join(
  process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'),
  'aider-orchestrator',
  `test-aider-${AIDER_VERSION}`,
);

const runs = (bin: string): boolean => {
  try {
    execFileSync(bin, ['--version'], { stdio: 'pipe', timeout: 60_000, env: { ...process.env, LITELLM_LOCAL_MODEL_COST_MAP: 'True' } });
    return true;
  } catch {
    return false;
  }
};

/** The real aider for tests: AIDER_ORCHESTRATOR_TEST_AIDER, the one `npm test` installs, or PATH. */
export const locateTestAider = (): string | undefined => {
  const candidates = [process.env.AIDER_ORCHESTRATOR_TEST_AIDER, managedAiderBin(TEST_AIDER_DATA_DIR), findOnPath('aider', process.env)];
  return candidates.find((candidate): candidate is string => !!candidate && fs.existsSync(candidate) && runs(candidate));
};

/**
 * The real aider for a test file. Without one (`npm test` installs it first, so only when that
 * failed or for a single file run some other way), tests skip with the reason shown, except
 * under CI=true, where a missing aider is a failure.
 */
export const findTestAider = (): { bin: string } | { skip: string } => {
  const bin = locateTestAider();
  if (bin) return { bin };
  const reason = `no working aider (run \`npm test\` once: it installs aider-chat==${AIDER_VERSION} into ${TEST_AIDER_DATA_DIR}; or set AIDER_ORCHESTRATOR_TEST_AIDER)`;
  if (process.env.CI === 'true') throw new Error(`CI=true and ${reason}`);
  return { skip: reason };
};
