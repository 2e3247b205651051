import type { Command } from 'commander';
import { Option } from 'commander';
import fs from 'node:fs/promises';
import { text } from 'node:stream/consumers';
import { UserError } from '../../errors.js';
import { followUpRun } from '../../orchestrator/createRun.js';
import { exitCodeFor } from '../../orchestrator/exitCode.js';
import { type CommandContext, positiveInt } from './command.js';
import { rebuiltRunSurface } from './rebuiltRun.js';

export interface FollowUpOptions {
  agent: number;
  message?: string;
  /** A path, or `-` for stdin. */
  messageFile?: string;
  headless?: boolean;
  repo?: string;
  trustRepo?: boolean;
}

export const registerFollowUp = (program: Command, context: CommandContext): Command =>
  program
    .command('follow-up')
    .argument('[run]', 'run id (default: the latest run of this repository)')
    .description('one more turn for an agent of a finished run: its conversation continues in its worktree, the summary is rewritten')
    .requiredOption('--agent <n>', 'the agent (its number in the summary)', positiveInt('--agent', 1000))
    .option('--message <text>', 'what the agent should do next')
    .addOption(new Option('--message-file <path|->', 'read the message from a file, or from stdin with -').conflicts('message'))
    .option('--headless', 'no TUI: print the agent’s output lines and the summary (automatic without a terminal)')
    .option('--repo <path>', 'the repository whose latest run is meant (default: the current one)')
    .option('--trust-repo', "let the repository's tracked aider settings apply, as for the run")
    .action(async (runId: string | undefined, options: FollowUpOptions) => context.exit(await followUpCommand(runId, options)));

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
  const surface = rebuiltRunSurface(options.headless);
  const run = await followUpRun({
    runId,
    repo: options.repo,
    agent: options.agent,
    message,
    cwd: process.cwd(),
    env: process.env,
    terminalSize: surface.terminalSize,
    warn: surface.warn,
    trustRepo: options.trustRepo === true,
    keepIdleSessions: surface.keepIdleSessions,
  });
  const code = await surface.drive(run);
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
