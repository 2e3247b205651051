/** What a line of a unified diff is. */
export type PatchLineKind =
  | 'file' // `diff --git a/… b/…`: a file's section starts
  | 'meta' // the file's header lines (`index`, `new file mode`, `---`, `+++`, `Binary files … differ`)
  | 'hunk' // `@@ -a,b +c,d @@ context`
  | 'added'
  | 'removed'
  | 'unchanged'
  | 'note'; // `\ No newline at end of file`

/** One line of a patch, with the file it belongs to and its numbers in the old and new file. */
export interface PatchLine {
  kind: PatchLineKind;
  /** The line as the patch has it (with its `+`, `-` or space). */
  text: string;
  /** The file's path in the new tree (the old one for a deleted file); undefined before the first file. */
  file: string | undefined;
  /** The line's number in the new file (added and unchanged lines). */
  newLine?: number;
  /** The line's number in the old file (removed and unchanged lines). */
  oldLine?: number;
}

/** Git's C-style quoting of unusual paths (`"a/caf\303\251.txt"`), undone. */
const unquote = (path: string): string => {
  if (!path.startsWith('"') || !path.endsWith('"')) return path;
  const bytes: number[] = [];
  const inner = path.slice(1, -1);
  const escapes: Record<string, number> = { n: 10, t: 9, '"': 34, '\\': 92, a: 7, b: 8, f: 12, r: 13, v: 11 };
  for (let i = 0; i < inner.length; i += 1) {
    const char = inner[i]!;
    if (char !== '\\') {
      bytes.push(...Buffer.from(char));
      continue;
    }
    const octal = /^[0-7]{3}/.exec(inner.slice(i + 1));
    if (octal) {
      bytes.push(parseInt(octal[0], 8));
      i += 3;
    } else {
      bytes.push(escapes[inner[i + 1]!] ?? inner.charCodeAt(i + 1));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
};

/** The path of a `---` / `+++` line without its `a/` or `b/`; undefined for /dev/null. */
const headerPath = (rest: string): string | undefined => {
  const path = unquote(rest.replace(/\t.*$/, ''));
  if (path === '/dev/null') return undefined;
  return path.replace(/^[ab]\//, '');
};

/** The new path of a `diff --git a/x b/x` line (a fallback: `+++` names it better, but a binary or mode-only change has none). */
const gitHeaderPath = (line: string): string | undefined => {
  const rest = line.slice('diff --git '.length);
  const quoted = /^(?:"(?:[^"\\]|\\.)*"|\S+) ("(?:[^"\\]|\\.)*")$/.exec(rest);
  if (quoted) return headerPath(quoted[1]!);
  // Unquoted paths may hold spaces: a and b are the same path when the file was not renamed.
  const half = (rest.length - 1) / 2;
  if (Number.isInteger(half) && rest.slice(2, half) === rest.slice(half + 3)) return rest.slice(half + 3);
  const b = rest.lastIndexOf(' b/');
  return b >= 0 ? rest.slice(b + 3) : undefined;
};

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/**
 * A unified diff (`git diff`) split into lines that know their file and line numbers, so a
 * line under a cursor can be named as "file, line N". Lines inside a hunk are counted against
 * the hunk's sizes, so a removed line that starts with `--` is never taken for a header.
 */
export const parsePatch = (patch: string): PatchLine[] => {
  const out: PatchLine[] = [];
  let file: string | undefined;
  let oldNext = 0;
  let newNext = 0;
  let oldLeft = 0;
  let newLeft = 0;
  const lines = patch.split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (const text of lines) {
    const inHunk = oldLeft > 0 || newLeft > 0;
    if (inHunk && (text.startsWith(' ') || text === '')) {
      out.push({ kind: 'unchanged', text, file, oldLine: oldNext++, newLine: newNext++ });
      oldLeft -= 1;
      newLeft -= 1;
    } else if (inHunk && text.startsWith('-')) {
      out.push({ kind: 'removed', text, file, oldLine: oldNext++ });
      oldLeft -= 1;
    } else if (inHunk && text.startsWith('+')) {
      out.push({ kind: 'added', text, file, newLine: newNext++ });
      newLeft -= 1;
    } else if (text.startsWith('\\')) {
      out.push({ kind: 'note', text, file });
    } else if (text.startsWith('diff --git ')) {
      oldLeft = 0;
      newLeft = 0;
      file = gitHeaderPath(text);
      out.push({ kind: 'file', text, file });
    } else if (HUNK.test(text)) {
      const [, oldStart, oldCount, newStart, newCount] = HUNK.exec(text)!;
      oldNext = Number(oldStart);
      newNext = Number(newStart);
      oldLeft = oldCount === undefined ? 1 : Number(oldCount);
      newLeft = newCount === undefined ? 1 : Number(newCount);
      out.push({ kind: 'hunk', text, file });
    } else {
      // The file's header: `+++ b/path` names the new file (`--- a/path` a deleted one).
      if (text.startsWith('+++ ')) file = headerPath(text.slice(4)) ?? file;
      else if (text.startsWith('--- ') && !file) file = headerPath(text.slice(4));
      out.push({ kind: 'meta', text, file });
    }
  }
  return out;
};
