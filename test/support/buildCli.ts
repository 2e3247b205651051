import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Vitest global setup: builds dist/ once, so end-to-end tests run the CLI exactly as
 * installed (`node dist/cli/main.js`), from any working directory.
 */
export default async function buildCli(): Promise<void> {
  await execa(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
}
