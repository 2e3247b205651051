import fs from 'node:fs/promises';
import { text } from 'node:stream/consumers';
import { UserError } from '../errors.js';

/**
 * The change request of `--change-file <path|->`: a file's text, or stdin's with `-`, for a
 * change too long for the command line (the OS limits one argument to about 128 KB).
 */
export const readChangeFile = async (file: string, stdin: NodeJS.ReadStream = process.stdin): Promise<string> => {
  if (file === '-') {
    if (stdin.isTTY) {
      throw new UserError(
        '--change-file - reads the change request from stdin, but stdin is a terminal: pipe the text in (e.g. `cat change.md | aider-orchestrator --change-file - ...`), or pass --change-file <path>',
      );
    }
    const change = await text(stdin);
    if (!change.trim())
      throw new UserError(
        'stdin held no change request (--change-file -): pipe the text in, e.g. `cat change.md | aider-orchestrator --change-file - ...`',
      );
    return change;
  }
  let change: string;
  try {
    change = await fs.readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`the change file ${file} does not exist: check the path given to --change-file`);
    if (code === 'EISDIR') throw new UserError(`the change file ${file} is a folder: give --change-file a text file`);
    throw new UserError(`cannot read the change file ${file} (${code ?? (error as Error).message}): check the path given to --change-file`);
  }
  if (!change.trim()) throw new UserError(`the change file ${file} is empty: write the change request in it, or pass --change "..."`);
  return change;
};
