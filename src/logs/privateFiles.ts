import fs from 'node:fs';
import path from 'node:path';

/**
 * Logs, summaries, message files and chat histories can hold a change request, code and
 * model output: the folders the app makes are its user's alone (0700), and so are its files (0600).
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** mkdir -p; every folder it creates is 0700 (existing ones are left as they are). */
export const makePrivateDir = (dir: string): void => {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
};

/** Writes (replaces) a file readable by its owner only. */
export const writePrivateFile = (file: string, text: string): void => {
  fs.writeFileSync(file, text, { mode: PRIVATE_FILE_MODE });
  fs.chmodSync(file, PRIVATE_FILE_MODE); // an existing file keeps its mode through writeFileSync
};

/** Appends to a file created readable by its owner only. */
export const appendPrivateFile = (file: string, text: string): void => {
  fs.appendFileSync(file, text, { mode: PRIVATE_FILE_MODE });
};

/**
 * Makes what another program wrote in `dir` (aider's chat history, input history, analytics
 * log) private too: files 0600, folders 0700. Best effort: a file that went away is fine.
 */
export const makeTreePrivate = (dir: string): void => {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const file = path.join(dir, entry.name);
    try {
      if (entry.isDirectory()) {
        fs.chmodSync(file, PRIVATE_DIR_MODE);
        makeTreePrivate(file);
      } else if (entry.isFile()) {
        fs.chmodSync(file, PRIVATE_FILE_MODE);
      }
    } catch {
      // removed meanwhile
    }
  }
};
