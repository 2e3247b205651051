import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { AIDER_VERSION } from '../../src/agents/aiderBinary.js';
import { locateTestAider, TEST_AIDER_DATA_DIR } from './aider.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Vitest global setup, after buildCli: the tests run the real aider, so when none is found it is
 * installed by the app's own `aider-orchestrator setup` (pip's progress shown) into the cache
 * folder TEST_AIDER_DATA_DIR, which every later run reuses. Under CI=true a failed install fails
 * the run; elsewhere the tests that need aider are skipped, with the reason.
 */
export default async function installTestAider(): Promise<void> {
  if (locateTestAider()) return;
  const log = (line: string) => process.stderr.write(`${line}\n`);
  log(
    `No aider for the tests: installing aider-chat==${AIDER_VERSION} with \`aider-orchestrator setup\` into ${TEST_AIDER_DATA_DIR} (once; later runs reuse it)`,
  );
  const started = performance.now();
  const setup = await execa(process.execPath, [path.join(ROOT, 'dist/cli/bin.js'), 'setup'], {
    cwd: ROOT,
    env: { AIDER_ORCHESTRATOR_DATA_DIR: TEST_AIDER_DATA_DIR },
    stdio: 'inherit',
    reject: false,
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  if (setup.exitCode === 0 && locateTestAider()) {
    log(`aider installed for the tests in ${seconds} s`);
    return;
  }
  const failure = `installing aider for the tests failed (\`aider-orchestrator setup\` exited with ${setup.exitCode ?? setup.signal}, after ${seconds} s; its output is above)`;
  if (process.env.CI === 'true') throw new Error(failure);
  log(`warning: ${failure}: the tests that need aider are skipped`);
}
