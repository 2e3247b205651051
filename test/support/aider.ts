import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'vitest';
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

let found: { bin: string } | { skip: string } | undefined;
/** findTestAider, once per test file (it runs `aider --version`: seconds of CPU). */
const testAider = () => (found ??= findTestAider());

/** The real aider's path, for tests inside describeWithAider / itWithAider ('' where those skip). */
export const aiderBin = (): string => {
  const aider = testAider();
  return 'bin' in aider ? aider.bin : '';
};

/**
 * Tests that run the real aider (see findTestAider): without one they are skipped with the reason
 * in their name, except under CI=true, where a missing aider fails the file instead.
 */
export const describeWithAider = (name: string, body: () => void): void => {
  const aider = testAider();
  if ('skip' in aider) describe.skip(`${name} (skipped: ${aider.skip})`, body);
  else describe(name, body);
};

/** One test that runs the real aider, skipped or failing like describeWithAider. */
export const itWithAider = (name: string, fn: () => Promise<void>, timeout?: number): void => {
  const aider = testAider();
  if ('skip' in aider) it.skip(`${name} (skipped: ${aider.skip})`, fn, timeout);
  else it(name, fn, timeout);
};
