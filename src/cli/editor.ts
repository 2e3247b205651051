import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { UserError } from '../errors.js';

/**
 * Opens `text` in the user's editor ($VISUAL, $EDITOR, else vi) on a temp file with
 * the given name and returns what was saved. The caller has handed the terminal over.
 */
export const editInEditor = async (text: string, fileName: string, env: NodeJS.ProcessEnv = process.env): Promise<string> => {
  const editor = env.VISUAL?.trim() || env.EDITOR?.trim() || 'vi';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aider-orchestrator-edit-'));
  const file = path.join(dir, fileName);
  try {
    fs.writeFileSync(file, text);
    // The editor command may carry arguments (`code --wait`): run it through the shell, the file as "$1".
    const result = await execa('sh', ['-c', `${editor} "$1"`, 'sh', file], { stdio: 'inherit', reject: false, env });
    if (result.failed) {
      throw new UserError(
        `the editor \`${editor}\` exited with code ${result.exitCode}: the PRD was not changed; set EDITOR to a working editor`,
      );
    }
    return fs.readFileSync(file, 'utf8');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
};
