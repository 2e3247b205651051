import type { ReviewComment } from '../../agents/reviewComments.js';
import { parsePatch, type PatchLine } from '../../git/patch.js';
import { wrapCode, wrapWords, type Segment, type StyledRow } from './styledText.js';

/** A line the diff view's cursor can be on: the patch's lines, after a first line that stands for the whole change. */
export type DiffLine = PatchLine | { kind: 'all'; text: string; file: undefined };

/** The view's lines: the whole change first (a comment there is on the whole diff), then the patch's. */
export const diffLines = (patch: string | undefined): DiffLine[] => {
  const lines = parsePatch(patch ?? '');
  const files = new Set(lines.filter((line) => line.kind === 'file').map((line) => line.file)).size;
  const added = lines.filter((line) => line.kind === 'added').length;
  const removed = lines.filter((line) => line.kind === 'removed').length;
  const text =
    patch === undefined
      ? 'the whole change: loading…'
      : lines.length === 0
        ? 'the whole change: no changes yet'
        : `the whole change: ${files} file${files === 1 ? '' : 's'}, +${added} -${removed}`;
  return [{ kind: 'all', text, file: undefined }, ...lines];
};

/** What a comment written on `line` is about: the line (a code line), its file (a file's header or hunk), or the whole change. */
export const commentTarget = (line: DiffLine | undefined): Omit<ReviewComment, 'text'> => {
  if (!line || line.kind === 'all' || line.file === undefined) return {};
  if (line.kind === 'added' || line.kind === 'unchanged' || line.kind === 'removed') {
    return {
      file: line.file,
      ...(line.newLine !== undefined ? { line: line.newLine } : { oldLine: line.oldLine }),
      code: line.text.slice(1),
      change: line.kind,
    };
  }
  return { file: line.file };
};

/** How the view names a comment's place (the comment prompt, a comment whose line left the diff). */
export const targetLabel = (target: Omit<ReviewComment, 'text'>): string =>
  target.file === undefined
    ? 'the whole change'
    : target.line !== undefined
      ? `${target.file} line ${target.line}`
      : target.oldLine !== undefined
        ? `${target.file} removed line ${target.oldLine}`
        : target.file;

const sameKind = (line: DiffLine, comment: ReviewComment): boolean =>
  comment.change === undefined ? line.kind === 'file' : line.kind === comment.change;

/**
 * Which line each comment shows under: where it was written if the line is still there, else the
 * same code in the same file nearest to its old number (the agent's commits moved it), else
 * (`moved`) under the whole change's line, with its place named.
 */
export const placeComments = (
  lines: readonly DiffLine[],
  comments: readonly ReviewComment[],
): { line: number; comment: ReviewComment; index: number; moved: boolean }[] =>
  comments.map((comment, index) => {
    if (comment.file === undefined) return { line: 0, comment, index, moved: false };
    const candidates = lines
      .map((line, at) => ({ line, at }))
      .filter(
        ({ line }) =>
          line.file === comment.file && sameKind(line, comment) && (comment.code === undefined || line.text.slice(1) === comment.code),
      );
    const number = (line: DiffLine) => (line.kind === 'all' ? undefined : (line.newLine ?? line.oldLine));
    const wanted = comment.line ?? comment.oldLine;
    const best = candidates.sort(
      (a, b) => Math.abs((number(a.line) ?? 0) - (wanted ?? 0)) - Math.abs((number(b.line) ?? 0) - (wanted ?? 0)),
    )[0];
    return best ? { line: best.at, comment, index, moved: false } : { line: 0, comment, index, moved: true };
  });

/** One screen row of the view: the line it shows (or the comment under it); the cursor's mark goes before it. */
export interface DiffRow {
  line: number;
  /** The comment this row shows (an index into the comments), for the rows of a comment. */
  comment?: number;
  row: StyledRow;
}

/** The gutter's first cells: the cursor's mark on every row of the line under it. */
export const withMark = (row: DiffRow, cursor: number): StyledRow => [
  row.line === cursor ? { text: '› ', fg: 'cyan', bold: true } : { text: '  ' },
  ...row.row,
];

const HUNK_HEAD = /^(@@ [^@]* @@)(.*)$/;

/** A patch line in its colours: added green, removed red, hunk headers cyan (their context dim), file headers bold. */
const styled = (line: DiffLine, text: string, first: boolean): Segment[] => {
  switch (line.kind) {
    case 'all':
      return [{ text, bold: true }];
    case 'file':
      return [{ text, bold: true }];
    case 'meta':
      return line.text.startsWith('+++') || line.text.startsWith('---') ? [{ text, bold: true }] : [{ text, dim: true }];
    case 'hunk': {
      const head = first ? HUNK_HEAD.exec(text) : null;
      return head ? [{ text: head[1]!, fg: 'cyan' }, ...(head[2] ? [{ text: head[2], dim: true }] : [])] : [{ text, dim: true }];
    }
    case 'added':
      return [{ text, fg: 'green' }];
    case 'removed':
      return [{ text, fg: 'red' }];
    case 'note':
      return [{ text, dim: true }];
    default:
      return [{ text }];
  }
};

/**
 * The view as rows of at most `width` cells (with the mark, withMark): the new file's line number
 * in a gutter, each line wrapped at spaces where it can, and its comments under it.
 */
export const diffRows = (lines: readonly DiffLine[], placed: ReturnType<typeof placeComments>, width: number): DiffRow[] => {
  const numbers = lines.map((line) => (line.kind === 'added' || line.kind === 'unchanged' ? String(line.newLine) : ''));
  const digits = Math.max(3, ...numbers.map((n) => n.length));
  const gutter = 2 + digits + 1;
  const room = Math.max(10, width - gutter);
  const byLine = new Map<number, typeof placed>();
  for (const entry of placed) byLine.set(entry.line, [...(byLine.get(entry.line) ?? []), entry]);
  const rows: DiffRow[] = [];
  lines.forEach((line, at) => {
    wrapCode(line.text, room).forEach((piece, i) => {
      const number: Segment = { text: `${(i === 0 ? numbers[at]! : '').padStart(digits)} `, dim: true };
      rows.push({ line: at, row: [number, ...styled(line, piece || ' ', i === 0)] });
    });
    for (const { comment, index, moved } of byLine.get(at) ?? []) {
      const words: StyledRow = [
        { text: '↳ ', fg: 'yellow', bold: true },
        ...(moved ? [{ text: `(${targetLabel(comment)}, no longer in the diff) `, dim: true }] : []),
        { text: comment.text, fg: 'yellow' },
      ];
      for (const wrapped of wrapWords(words, room))
        rows.push({ line: at, comment: index, row: [{ text: ' '.repeat(digits + 1) }, ...wrapped] });
    }
  });
  return rows;
};
