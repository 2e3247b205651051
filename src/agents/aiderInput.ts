/**
 * The lines a session types into aider: its own commands for files (`/add`, `/read-only`,
 * `/drop`) and one-line instructions. Everything typed is keystrokes, so nothing may carry a
 * control character (Tab completes, Esc and Ctrl keys are bindings, Ctrl-Z suspends);
 * longer or multi-line text goes in a file the turn adds with `/read-only`.
 * Facts in docs/aider-sessions.md.
 */

/** Longer text belongs in a file: a one-line instruction stays short. */
export const MAX_INSTRUCTION_LENGTH = 2000;

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * One file name for aider's command parser (`parse_quoted_filenames`: `"(.+?)"|(\S+)`):
 * quoted when it has white space. It knows no escapes, so a name with `"` cannot be typed.
 */
export const quoteFileForAider = (file: string): string => {
  if (!file) throw new Error('an empty file name cannot be typed into aider');
  if (CONTROL.test(file)) throw new Error(`the file name ${JSON.stringify(file)} has a control character and cannot be typed into aider`);
  if (file.includes('"')) throw new Error(`the file name ${JSON.stringify(file)} has a double quote, which aider's commands cannot parse`);
  return /\s/.test(file) ? `"${file}"` : file;
};

const fileCommand = (command: string, files: readonly string[]): string => `${command} ${files.map(quoteFileForAider).join(' ')}`;

/** `/add` of repo-relative files (aider edits them). */
export const addCommand = (files: readonly string[]): string => fileCommand('/add', files);

/**
 * `/read-only` of absolute paths: aider reads them for context, also outside the repo
 * (a task or message file in the run folder). Relative paths would be globbed in the repo,
 * and aider expands a leading `~`, so only absolute paths are accepted.
 */
export const readOnlyCommand = (paths: readonly string[]): string => {
  for (const file of paths) if (!file.startsWith('/')) throw new Error(`/read-only needs an absolute path, not ${JSON.stringify(file)}`);
  return fileCommand('/read-only', paths);
};

/** `/drop` of files in the chat (aider matches read-only files by substring: give absolute paths). */
export const dropCommand = (files: readonly string[]): string => fileCommand('/drop', files);

/**
 * A one-line instruction typed at aider's prompt. A line starting with `/` or `!` would run a
 * command and one starting with `{` could open aider's multi-line mode, so those are refused.
 */
export const checkInstruction = (text: string): string => {
  if (!text.trim()) throw new Error('an instruction for aider cannot be empty');
  if (CONTROL.test(text))
    throw new Error(
      'an instruction typed into aider must be one line without control characters: put longer text in a file and /read-only it',
    );
  if (text.length > MAX_INSTRUCTION_LENGTH)
    throw new Error(
      `an instruction typed into aider is at most ${MAX_INSTRUCTION_LENGTH} characters: put longer text in a file and /read-only it`,
    );
  if (/^\s*[/!{]/.test(text))
    throw new Error(
      `an instruction must not start with / ! or { (aider would read it as a command or a multi-line block): ${JSON.stringify(text.slice(0, 40))}`,
    );
  return text;
};
