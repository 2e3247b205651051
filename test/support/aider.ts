import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { findOnPath } from '../../src/agents/aiderBinary.js';

/** Where `.ci/run` installs the pinned aider. */
const CACHED_VENV_AIDER = path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'aider-orchestrator/venv-0.86.2/bin/aider');

const runs = (bin: string): boolean => {
  try {
    execFileSync(bin, ['--version'], { stdio: 'pipe', timeout: 60_000, env: { ...process.env, LITELLM_LOCAL_MODEL_COST_MAP: 'True' } });
    return true;
  } catch {
    return false;
  }
};

/**
 * The real aider for tests: AIDER_ORCHESTRATOR_TEST_AIDER, the cached venv, or PATH.
 * Without one, tests skip with the reason shown, except under CI=true, where a
 * missing aider is a failure.
 */
export const findTestAider = (): { bin: string } | { skip: string } => {
  const candidates = [process.env.AIDER_ORCHESTRATOR_TEST_AIDER, CACHED_VENV_AIDER, findOnPath('aider', process.env)];
  const bin = candidates.find((candidate): candidate is string => !!candidate && fs.existsSync(candidate) && runs(candidate));
  if (bin) return { bin };
  const reason = 'no working aider (set AIDER_ORCHESTRATOR_TEST_AIDER, or run `bash .ci/run` to install it)';
  if (process.env.CI === 'true') throw new Error(`CI=true and ${reason}`);
  return { skip: reason };
};
