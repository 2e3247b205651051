/**
 * A reviewer's comment on an agent's diff: on one line of a file, on a file, or (no file) on
 * the whole change. The place is kept as the reviewer saw it, so the message names it even if
 * the agent's later commits move the line.
 */
export interface ReviewComment {
  /** The file's path in the repository; undefined: the comment is on the whole change. */
  file?: string | undefined;
  /** The line's number in the new file (an added or unchanged line). */
  line?: number | undefined;
  /** The line's number in the old file, for a removed line (it is not in the new file). */
  oldLine?: number | undefined;
  /** The line's code, without the diff's `+`, `-` or space. */
  code?: string | undefined;
  /** What happened to the line in the diff. */
  change?: 'added' | 'removed' | 'unchanged' | undefined;
  /** What the reviewer wrote. */
  text: string;
}

/** Code lines longer than this are cut in the message (the agent has the file; this only names the line). */
const MAX_CODE = 200;

const codeOf = (code: string): string => {
  const trimmed = code.trim();
  return trimmed.length > MAX_CODE ? `${trimmed.slice(0, MAX_CODE)}…` : trimmed;
};

/** Where a comment is, as the message names it. */
const placeOf = (comment: ReviewComment): string => {
  if (comment.line !== undefined) return `${comment.file}, line ${comment.line}`;
  if (comment.oldLine !== undefined) return `${comment.file}, a removed line (line ${comment.oldLine} of the old file)`;
  return `${comment.file} (the whole file)`;
};

/** The comment's text, its later lines indented under the first. */
const indented = (text: string, indent: string): string =>
  text
    .trim()
    .split(/\r?\n/)
    .map((line, i) => (i === 0 ? line : `${indent}${line}`))
    .join('\n');

/**
 * The reviewer's comments as one follow-up turn for the agent: for each comment on a line the
 * file, the line's number in the new file, the code and the comment; then the comments on the
 * whole change. Comments with no text are left out; the order is the reviewer's.
 */
export const reviewMessage = (comments: readonly ReviewComment[]): string => {
  const kept = comments.filter((comment) => comment.text.trim());
  const placed = kept.filter((comment) => comment.file !== undefined);
  const general = kept.filter((comment) => comment.file === undefined);
  const count = kept.length === 1 ? 'a comment' : `${kept.length} comments`;
  const out = [`A reviewer read your changes so far and left ${count}. Address each one, then commit.`, ''];
  placed.forEach((comment, i) => {
    out.push(`${i + 1}. ${placeOf(comment)}`);
    if (comment.code !== undefined) out.push(`   Code: ${codeOf(comment.code)}`);
    out.push(`   Comment: ${indented(comment.text, '            ')}`);
    out.push('');
  });
  if (general.length > 0) {
    out.push('On the whole change:');
    for (const comment of general) out.push(`- ${indented(comment.text, '  ')}`);
    out.push('');
  }
  return out.join('\n');
};
