import { stripVTControlCharacters } from 'node:util';
import type { Redactor } from '../logs/redact.js';
import type { SupervisorPromptInput } from './prompts.js';
import type { SupervisorDecision } from './supervisor.js';

/**
 * What the supervisor reads after a turn, each part bounded so one call stays small (about 50,000
 * characters, some 12,000 tokens, at most) whatever the agent printed or changed: a supervisor
 * call per turn must cost a fraction of the turn itself. The ends that matter are kept: the start
 * of the task and the PRD (their headings and requirements come first), the end of the turn's
 * output (the result, the commit line, the last error) and of the check's output (the summary
 * line of a test run), whole files of the diff in order.
 */
export const SUPERVISOR_BOUNDS = {
  /** Title, description and files of the task: a plan's task is a paragraph; this keeps a long one readable. */
  taskChars: 4_000,
  /** The PRD prompt asks for about 800 words (some 6,000 characters): a normal PRD fits whole. */
  prdChars: 12_000,
  /** What the latest turn was asked (the first turn's is the task and the PRD again: its head is enough). */
  instructionChars: 2_000,
  /** The end of the turn's output: aider prints the edits, "Applied edit", "Commit ..." and errors last. */
  turnOutputChars: 8_000,
  /** Commit subjects, the latest kept: a turn makes one or two. */
  commits: 30,
  /** The diff since the run's base: the largest part, the evidence of what was done. */
  diffChars: 16_000,
  /** The end of the check's output: test runners print their failures and summary last. */
  checkOutputChars: 4_000,
  /** The supervisor's own latest decisions, so it does not repeat an instruction that did not work. */
  earlierDecisions: 3,
} as const;

/** What a commit on the agent's branch is (as git/commits.ts reads it). */
export interface CommitLine {
  hash: string;
  message: string;
}

/** The check command's result after the latest turn. */
export interface CheckReport {
  command: string;
  passed: boolean;
  exitCode: number | undefined;
  /** Its output (plain text or raw terminal bytes). */
  output: string;
  /** It ran longer than --check-timeout and was ended. */
  timedOut?: boolean | undefined;
}

/** Everything the supervisor is told about one agent after a turn, unbounded, as the agent has it. */
export interface SupervisorInput {
  task: { title: string; description: string; files: readonly string[] };
  prd: string;
  /** What the latest turn was asked, if the caller has it. */
  instruction?: string | undefined;
  /** The turn's output: the agent's terminal text or its raw pty bytes (ANSI is stripped here). */
  turnOutput: string;
  /** Commits on the agent's branch since the run's base, oldest first. */
  commits: readonly CommitLine[];
  /** `git diff <base> HEAD` of the agent's worktree. */
  diff: string;
  /** The check command, when one is configured (--check-cmd). */
  checkCommand: string | undefined;
  /** Its result since the latest turn, if it ran. */
  check?: CheckReport | undefined;
  /** Iterations (aider's message_send events) used so far, and the cap. */
  iterations: number;
  maxIterations: number;
  /** The supervisor's earlier decisions for this agent, oldest first. */
  earlierDecisions?: readonly SupervisorDecision[] | undefined;
}

/** The same, bounded, masked, as plain text: what the supervisor prompt is built from. */
export type SupervisorContext = SupervisorPromptInput;

const count = (n: number): string => n.toLocaleString('en-US');

/**
 * Terminal output as plain text: escape sequences stripped, a `\r`-rewritten line (progress bars,
 * spinners) reduced to what it finally showed, other control characters and trailing spaces
 * dropped, runs of blank lines folded to one.
 */
export const plainText = (raw: string): string => {
  const lines = stripVTControlCharacters(raw)
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((line) => {
      const rewrites = line.split('\r');
      const shown = [...rewrites].reverse().find((segment) => segment.trim().length > 0) ?? '';
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
      return shown.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '').trimEnd();
    });
  return lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
};

/** Where to cut near `at` so a line stays whole, if a line break is close enough (else at `at`). */
const lineBreakBefore = (text: string, at: number, slack: number): number => {
  const cut = text.lastIndexOf('\n', at);
  return cut >= at - slack && cut > 0 ? cut : at;
};

/** The first `max` characters, cut at a line break near the limit, with a note of what was cut. */
export const headBounded = (text: string, max: number): string => {
  if (text.length <= max) return text;
  const end = lineBreakBefore(text, max, Math.floor(max / 5));
  return `${text.slice(0, end).trimEnd()}\n[… ${count(text.length - end)} more characters cut]`;
};

/** The last `max` characters, cut at a line break near the limit, with a note of what was cut. */
export const tailBounded = (text: string, max: number): string => {
  if (text.length <= max) return text;
  const from = text.length - max;
  const lineStart = text.indexOf('\n', from);
  const start = lineStart !== -1 && lineStart - from <= Math.floor(max / 5) ? lineStart + 1 : from;
  return `[… ${count(start)} earlier characters cut]\n${text.slice(start)}`;
};

/** One file's part of a unified diff, with its path and line counts. */
interface DiffSection {
  path: string;
  text: string;
  added: number;
  removed: number;
}

const diffSections = (diff: string): DiffSection[] => {
  const starts = [...diff.matchAll(/^diff --git /gm)].map((match) => match.index);
  if (starts.length === 0) return diff.trim() ? [{ path: '(diff)', text: diff, added: 0, removed: 0 }] : [];
  return starts.map((start, i) => {
    const text = diff.slice(start, starts[i + 1] ?? diff.length);
    const header = text.slice(0, text.indexOf('\n') === -1 ? text.length : text.indexOf('\n'));
    const path = / b\/(.+)$/.exec(header)?.[1] ?? header.slice('diff --git '.length);
    let added = 0;
    let removed = 0;
    for (const line of text.split('\n')) {
      if (line.startsWith('+') && !line.startsWith('+++')) added += 1;
      else if (line.startsWith('-') && !line.startsWith('---')) removed += 1;
    }
    return { path, text, added, removed };
  });
};

/**
 * A diff within `max` characters: whole files in order while they fit (the first one cut if it
 * alone is too long), then a note naming each file left out with its +/- line counts.
 */
export const boundDiff = (diff: string, max: number): string => {
  if (diff.length <= max) return diff;
  const kept: string[] = [];
  const left: DiffSection[] = [];
  let used = 0;
  for (const section of diffSections(diff)) {
    if (left.length === 0 && used + section.text.length <= max) {
      kept.push(section.text);
      used += section.text.length;
    } else if (kept.length === 0) {
      // A first file too long on its own: its beginning still says the most.
      kept.push(headBounded(section.text, max));
      used = max;
    } else {
      left.push(section);
    }
  }
  const shown = kept.join('').trimEnd();
  if (left.length === 0) return shown;
  const names = left.map((section) => `${section.path} (+${section.added} -${section.removed})`).join(', ');
  return `${shown}\n[diff cut: ${left.length} more file${left.length === 1 ? '' : 's'} not shown: ${headBounded(names, 1_000)}]`;
};

const formatTask = (task: SupervisorInput['task']): string =>
  [
    `Title: ${task.title.trim()}`,
    '',
    task.description.trim(),
    '',
    task.files.length > 0
      ? `Files assigned: ${task.files.join(', ')}`
      : 'No files were assigned: the agent creates or edits what the task needs.',
  ].join('\n');

const formatCommits = (commits: readonly CommitLine[]): string => {
  if (commits.length === 0) return 'none yet';
  const shown = commits.slice(-SUPERVISOR_BOUNDS.commits);
  const more = commits.length - shown.length;
  const lines = shown.map((commit) => `${commit.hash.slice(0, 7)} ${commit.message}`);
  return (more > 0 ? [`[… ${more} earlier commit${more === 1 ? '' : 's'} not shown]`, ...lines] : lines).join('\n');
};

const formatCheck = (check: CheckReport, redact: (text: string) => string): string => {
  const status = check.timedOut
    ? 'timed out (--check-timeout) and was ended'
    : check.passed
      ? 'passed (exit code 0)'
      : `failed (exit code ${check.exitCode ?? 'unknown'})`;
  const output = tailBounded(redact(plainText(check.output)), SUPERVISOR_BOUNDS.checkOutputChars);
  return `$ ${check.command}\n${status}\n${output ? `Output (last part):\n${output}` : 'No output.'}`;
};

const formatDecisions = (decisions: readonly SupervisorDecision[]): string | undefined => {
  if (decisions.length === 0) return undefined;
  const shown = decisions.slice(-SUPERVISOR_BOUNDS.earlierDecisions);
  const more = decisions.length - shown.length;
  const lines = shown.map(
    (decision) =>
      `- ${decision.action}: ${decision.progress}${decision.action === 'instruct' ? ` | asked: ${headBounded(decision.message, 500)}` : ''}`,
  );
  return (more > 0 ? [`[… ${more} earlier decision${more === 1 ? '' : 's'} not shown]`, ...lines] : lines).join('\n');
};

/**
 * The bounded context for one supervisor call. Every part is masked by the run's redactor before it
 * is cut (a cut never leaves half a key unmasked), and terminal text after its escape sequences are
 * stripped (a coloured key is masked whole), so no secret reaches the model.
 */
export const buildSupervisorContext = (input: SupervisorInput, redactor: Redactor): SupervisorContext => {
  const redact = (text: string) => redactor.redact(text);
  const instruction = input.instruction?.trim();
  const decisions = formatDecisions(input.earlierDecisions ?? []);
  return {
    task: headBounded(redact(formatTask(input.task)), SUPERVISOR_BOUNDS.taskChars),
    prd: headBounded(redact(input.prd.trim()), SUPERVISOR_BOUNDS.prdChars),
    instruction: instruction ? headBounded(redact(instruction), SUPERVISOR_BOUNDS.instructionChars) : undefined,
    turnOutput: tailBounded(redact(plainText(input.turnOutput)), SUPERVISOR_BOUNDS.turnOutputChars),
    commits: redact(formatCommits(input.commits)),
    diff: boundDiff(redact(input.diff), SUPERVISOR_BOUNDS.diffChars),
    checkCommand: input.checkCommand ? redact(input.checkCommand) : undefined,
    check: input.check ? formatCheck({ ...input.check, command: redact(input.check.command) }, redact) : undefined,
    iterations: input.iterations,
    maxIterations: input.maxIterations,
    earlierDecisions: decisions === undefined ? undefined : redact(decisions),
  };
};
