import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Vitest global setup: bundles dist/ once (`npm run build`), so end-to-end tests run the CLI exactly as
 * installed (`node dist/cli/bin.js`), from any working directory.
 */
export default async function buildCli(): Promise<void> {
  await execa(process.execPath, [path.join(ROOT, 'scripts/bundle.mjs')], { cwd: ROOT, stdio: 'inherit' });
}
