import fs from 'node:fs';
import path from 'node:path';
import { formatDuration } from '../config/duration.js';
import { makePrivateDir, makeTreePrivate, writePrivateFile } from '../logs/privateFiles.js';
import type { Redactor } from '../logs/redact.js';
import { AiderSession, SessionExitError, type TurnResult } from './aiderSession.js';
import type { Usage } from './types.js';

/** What the resolver's aider is started with: the run's aider, model, environment and limits. */
export interface ConflictResolverOptions {
  aiderBin: string;
  model: string;
  /** aider's whole environment (the run's: agents/aiderArgs.ts buildAiderEnv). */
  env: NodeJS.ProcessEnv;
  /** The user's extra aider arguments. */
  extraArgs: readonly string[];
  /** The session's own folder (brief, chat history, analytics log); made if missing. */
  stateDir: string;
  /** ms without output or an aider event before aider is ended and the resolution fails. */
  idleTimeout: number;
  /** LLM calls the turn may start (aider's own retries included) before it is interrupted. */
  maxIterations: number;
  redactor: Redactor;
  /** The PRD (absolute path), given read-only when it still exists. */
  prdPath?: string | undefined;
  cols?: number;
  rows?: number;
}

/** One side of the conflict, as the brief tells it. */
export interface TaskOfBranch {
  agent: number;
  /** Title and description. */
  task: string;
}

export interface ConflictToResolve {
  /** The integration worktree, with the merge in progress. */
  worktree: string;
  target: string;
  branch: string;
  /** Conflicted, repo-relative files: added to the chat. */
  files: readonly string[];
  /** The tasks of the agents merged into the integration branch so far. */
  merged: readonly TaskOfBranch[];
  /** The task of the branch being merged. */
  incoming: TaskOfBranch;
}

export type ResolverOutcome = ({ resolved: true } | { resolved: false; reason: string }) & { usage: Usage };

/** The brief's file name in the session folder. */
export const CONFLICT_BRIEF_FILE = 'conflict.md';

/**
 * aider cannot commit while a merge is in progress (`git commit -- <files>` is a partial commit,
 * which git refuses during a merge), and each attempt would cost a commit-message call: the
 * resolver's aider only edits, and the merge is concluded by git/merge.ts.
 */
const RESOLVER_ARGS = ['--no-auto-commits', '--no-dirty-commits'] as const;

const INSTRUCTION = `Resolve every merge conflict in the files in the chat as ${CONFLICT_BRIEF_FILE} explains: keep both sides' changes working together and remove every conflict marker.`;

/** The resolver's brief: both sides' tasks, the files, and what a resolution must be. */
export const conflictBrief = (conflict: ConflictToResolve, prdFile: string | undefined): string =>
  [
    '# Resolve a merge conflict',
    '',
    `The branch \`${conflict.branch}\` (agent ${conflict.incoming.agent}) is being merged into \`${conflict.target}\`, which holds the work of ${
      conflict.merged.length > 0 ? conflict.merged.map((side) => `agent ${side.agent}`).join(', ') : 'no agent yet'
    }. Git could not merge these files (they are in the chat): ${conflict.files.join(', ')}.`,
    '',
    'Between `<<<<<<<` and `=======` is the integration branch’s version; between `=======` and `>>>>>>>` the incoming branch’s.',
    '',
    '## The integration branch’s tasks',
    '',
    ...(conflict.merged.length > 0
      ? conflict.merged.flatMap((side) => [`### Agent ${side.agent}`, '', side.task.trim(), ''])
      : ['(none)', '']),
    '## The incoming branch’s task',
    '',
    `### Agent ${conflict.incoming.agent}`,
    '',
    conflict.incoming.task.trim(),
    '',
    '## What to do',
    '',
    '- Edit each conflicted file so that it has both changes, working together: each task must still be done.',
    '- Remove every conflict marker line (`<<<<<<<`, `=======`, `>>>>>>>`).',
    '- Change nothing else; do not create other files.',
    ...(prdFile ? [`- The product requirements are in the read-only file ${path.basename(prdFile)}.`] : []),
    '',
  ].join('\n');

/**
 * One aider session in the integration worktree that resolves one merge's conflicts: the
 * conflicted files `/add`ed, the brief (and the PRD) read-only, one instruction. Ends when
 * aider is back at its prompt; fails on a model error, a question, the iteration cap or the
 * idle timeout. Whether the conflicts are really resolved is checked by the caller (git).
 */
export const resolveConflictWithAider = async (options: ConflictResolverOptions, conflict: ConflictToResolve): Promise<ResolverOutcome> => {
  makePrivateDir(options.stateDir);
  const brief = path.join(options.stateDir, CONFLICT_BRIEF_FILE);
  const prdFile = options.prdPath && fs.existsSync(options.prdPath) ? path.resolve(options.prdPath) : undefined;
  // What aider reads reaches the model: no secret may be in it.
  writePrivateFile(brief, options.redactor.redact(conflictBrief(conflict, prdFile)));
  const session = new AiderSession({
    aiderBin: options.aiderBin,
    cwd: conflict.worktree,
    stateDir: options.stateDir,
    model: options.model,
    env: options.env,
    redactor: options.redactor,
    extraArgs: [...RESOLVER_ARGS, ...options.extraArgs],
    cols: options.cols ?? 120,
    rows: options.rows ?? 40,
  });
  let lastSignOfLife = Date.now();
  let ending: string | undefined;
  let calls = 0;
  const turnAbort = new AbortController();
  const end = (reason: string) => {
    if (ending) return;
    ending = reason;
    void session.close();
  };
  session.on('data', () => (lastSignOfLife = Date.now()));
  session.on('analytics', (event) => {
    lastSignOfLife = Date.now();
    if (event.event !== 'message_send_starting') return;
    calls += 1;
    if (calls > options.maxIterations) {
      ending ??= `reached --max-iterations (${options.maxIterations}) before aider finished`;
      turnAbort.abort();
    }
  });
  const watchdog = setInterval(
    () => {
      if (Date.now() - lastSignOfLife >= options.idleTimeout)
        end(`no sign of life for ${formatDuration(options.idleTimeout)}: no output and no aider event (--idle-timeout)`);
    },
    Math.min(1000, options.idleTimeout / 4),
  );
  const failed = (reason: string): ResolverOutcome => ({ resolved: false, reason: options.redactor.redact(reason), usage: session.usage });
  try {
    let turn: TurnResult;
    try {
      const ready = await session.start();
      if (!ready.gitRepo) return failed(`aider found no git repository in ${conflict.worktree}`);
      turn = await session.sendTurn(
        { addFiles: conflict.files, readOnlyFiles: prdFile ? [brief, prdFile] : [brief], message: INSTRUCTION },
        { signal: turnAbort.signal },
      );
    } catch (error) {
      return failed(ending ?? (error instanceof SessionExitError ? error.exit.reason : `cannot run aider: ${(error as Error).message}`));
    }
    if (ending) return failed(ending);
    if (turn.question) return failed(`aider stopped at a question no one answers: ${turn.question}`);
    if (turn.usage.iterations === 0) {
      const error = turn.exceptions.at(-1) ?? session.lastErrorLine();
      return failed(`the model call failed${error ? `: ${error.slice(0, 200)}` : ' (no reply from the model)'}`);
    }
    return { resolved: true, usage: session.usage };
  } finally {
    clearInterval(watchdog);
    await session.close();
    makeTreePrivate(options.stateDir);
  }
};
