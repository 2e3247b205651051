import fs from 'node:fs/promises';
import { text } from 'node:stream/consumers';
import { UserError } from '../../errors.js';
import { followUpRun } from '../../orchestrator/createRun.js';
import { exitCodeFor } from '../../orchestrator/exitCode.js';
import { runHeadless } from '../headless.js';
import { runInTui } from '../tui.js';

export interface FollowUpOptions {
  agent: number;
  message?: string;
  /** A path, or `-` for stdin. */
  messageFile?: string;
  headless?: boolean;
  repo?: string;
  trustRepo?: boolean;
}

/** The message of `--message-file <path|->`: a file's text, or stdin's with `-`. */
const readMessageFile = async (file: string, stdin: NodeJS.ReadStream = process.stdin): Promise<string> => {
  if (file === '-') {
    if (stdin.isTTY) {
      throw new UserError(
        '--message-file - reads the message from stdin, but stdin is a terminal: pipe the text in, or pass --message "<text>"',
      );
    }
    return text(stdin);
  }
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`the message file ${file} does not exist: check the path given to --message-file`);
    throw new UserError(
      `cannot read the message file ${file} (${code ?? (error as Error).message}): check the path given to --message-file`,
    );
  }
};

/**
 * `aider-orchestrator follow-up [run] --agent <n> --message "<text>"`: one more turn for an agent
 * of a finished run, in its worktree and conversation (aider restarts with the chat history),
 * in the TUI or headless; the run's summary and history are rewritten. Exit code: the agent's
 * result (0 succeeded, 1 failed, 130 stopped).
 */
export const followUpCommand = async (runId: string | undefined, options: FollowUpOptions): Promise<number> => {
  // No message at all is refused as an empty one (followUpRun), before anything starts.
  const message = options.messageFile !== undefined ? await readMessageFile(options.messageFile) : (options.message ?? '');
  const headless = options.headless === true || !process.stdout.isTTY || !process.stdin.isTTY;
  const warnings: string[] = [];
  const run = await followUpRun({
    runId,
    repo: options.repo,
    agent: options.agent,
    message,
    cwd: process.cwd(),
    env: process.env,
    terminalSize: headless ? { cols: 120, rows: 40 } : { cols: process.stdout.columns ?? 120, rows: process.stdout.rows ?? 40 },
    warn: (line) => (headless ? process.stderr.write(`warning: ${line}\n`) : warnings.push(line)),
    trustRepo: options.trustRepo === true,
    keepIdleSessions: !headless,
  });
  const code = headless ? await runHeadless(run) : await runInTui(run, { warnings, yes: true });
  const agent = run.summary?.agents.find((candidate) => candidate.id === options.agent);
  if (!agent) return code;
  const commits = `${agent.commits.length} commit${agent.commits.length === 1 ? '' : 's'}`;
  process.stdout.write(
    run.redact(
      `agent ${agent.id} ${agent.status}${agent.reason ? ` (${agent.reason})` : ''}: ${agent.iterations} iterations, ${commits} on ${agent.branch}\n`,
    ),
  );
  return agent.status === 'succeeded' || agent.status === 'stopped' || agent.status === 'failed' ? exitCodeFor(agent.status) : 1;
};
