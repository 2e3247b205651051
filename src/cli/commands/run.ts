import { type Command, Option } from 'commander';
import os from 'node:os';
import { UserError } from '../../errors.js';
import { createRun } from '../../orchestrator/createRun.js';
import { readChangeFile } from '../changeFile.js';
import { settingsFromFlags } from '../flags.js';
import { runHeadless } from '../headless.js';
import { preloadTui, runInTui } from '../tui.js';
import { type CommandContext, durationArg, isHeadless, positiveInt, terminalSize } from './command.js';

/** What the root command's flags say, before config and environment are merged in. */
export interface RunFlags {
  change?: string;
  /** --change-file: a path, or `-` for stdin. */
  changeFile?: string;
  maxAgents?: number;
  files?: string[];
  model?: string;
  claude?: boolean;
  prdModel?: string;
  /** The seed's spelling of --prd-model. */
  geminiModel?: string;
  /** false with --no-supervisor (commander's default, true, when absent). */
  supervisor?: boolean;
  supervisorModel?: string;
  apiKey?: string;
  maxIterations?: number;
  agentsPerTask?: number;
  firstWins?: boolean;
  checkCmd?: string;
  setupCmd?: string;
  notifyCmd?: string;
  /** ms (parsed from a duration such as 10m). */
  idleTimeout?: number;
  checkTimeout?: number;
  headless?: boolean;
  yes?: boolean;
  repo?: string;
  trustRepo?: boolean;
  aiderBin?: string;
  /** Everything after `--`, given to every aider. */
  aiderArgs: string[];
}

/**
 * Operands are only aider arguments when they follow `--`; anything else is a
 * mistake (a mistyped subcommand, an unquoted change text) worth a clear error.
 */
export const strayOperands = (argv: readonly string[], aiderArgs: readonly string[]): string[] => {
  const separator = argv.indexOf('--');
  const afterSeparator = separator === -1 ? 0 : argv.length - separator - 1;
  return aiderArgs.slice(0, Math.max(0, aiderArgs.length - afterSeparator));
};

const HELP_AFTER = `
Examples:
  $ aider-orchestrator --change "Add password reset with email OTP"
  $ aider-orchestrator --change "Type the API client" --files src/api --max-agents 3
  $ aider-orchestrator --change-file docs/change.md --headless --yes
  $ aider-orchestrator --headless --yes --change "Fix lint errors" --files src -- --no-auto-lint
  $ aider-orchestrator --model gpt-4.1 --prd-model openai/gpt-4.1 --change "..."   OPENAI_API_KEY alone
  $ aider-orchestrator --change "..." --agents-per-task 2 --check-cmd "npm test" --first-wins   best of 2
  $ aider-orchestrator follow-up --agent 2 --message "Also update the docs"   one more turn, after the run
  $ aider-orchestrator setup            install aider into the app's own virtualenv
  $ aider-orchestrator demo             try it on a sample project, no API key needed

Environment: each model's provider key: GEMINI_API_KEY for the default PRD model, OPENAI_API_KEY,
ANTHROPIC_API_KEY, ... (one key is enough when --model and --prd-model share a provider).
See .env.example and README.md for every variable. Exit codes: 0 all agents succeeded, 1 some failed,
2 usage or configuration error, 130 cancelled.`;

/**
 * The run: the program's own options, `-- <aider args>` and action. `run` is the handler (tests
 * give one that records the flags).
 */
export const registerRun = (program: Command, context: CommandContext, run = runCommand): Command =>
  program
    .usage('[options] [-- <aider args...>]')
    .option('-c, --change <text>', 'the change request (asked for in the app when missing)')
    .addOption(new Option('--change-file <path|->', 'read the change request from a file, or from stdin with -').conflicts('change'))
    .option(
      '-n, --max-agents <n>',
      `agents running at once (default: CPU count, ${os.availableParallelism()})`,
      positiveInt('--max-agents', 64),
    )
    .option('-f, --files <paths...>', 'files or folders the agents edit, split between them (default: the PRD model plans)')
    .option('-m, --model <model>', "aider's model for the agents (default: config, env, else gpt-4o)")
    .addOption(new Option('--claude', "use Claude Sonnet for the agents (aider's `sonnet` alias)").conflicts('model'))
    .option(
      '--prd-model <model>',
      "model that writes the PRD and the plan, in aider's notation: gemini/…, openai/…, anthropic/…, openrouter/…, deepseek/…, ollama_chat/… (default: gemini-2.5-flash)",
    )
    .addOption(new Option('--gemini-model <model>', 'same as --prd-model').conflicts('prdModel'))
    .addOption(
      new Option(
        '--supervisor-model <model>',
        "model that reads each agent's turn and decides the next step (default: the PRD model)",
      ).conflicts('supervisor'),
    )
    .addOption(new Option('--no-supervisor', 'no supervisor: an agent is done after its first turn unless the check fails'))
    .option('--api-key <key>', 'Google API key, for a Gemini PRD model (default: GEMINI_API_KEY or GOOGLE_API_KEY)')
    .option('-i, --max-iterations <n>', 'LLM turns allowed per agent (default: 10)', positiveInt('--max-iterations', 1000))
    .option('--agents-per-task <n>', 'independent attempts at each task, for best-of-n (default: 1)', positiveInt('--agents-per-task', 16))
    .option(
      '--first-wins',
      "with --agents-per-task 2 or more: a task's first attempt to pass the check (or to succeed, without --check-cmd) wins, the others are stopped",
    )
    .option('--check-cmd <command>', 'command run in each worktree after a turn; failing output starts a follow-up turn')
    .option(
      '--idle-timeout <duration>',
      'an agent with no output and no aider event for this long fails, e.g. 90s, 10m (default: 10m)',
      durationArg('--idle-timeout'),
    )
    .option(
      '--check-timeout <duration>',
      'the check command is ended after this long and the agent fails (default: 10m)',
      durationArg('--check-timeout'),
    )
    .option('--setup-cmd <command>', 'command run in each new worktree before its agent starts, e.g. "npm ci"; a failure fails that agent')
    .option(
      '--notify-cmd <command>',
      'your command, run when an agent succeeds, fails or waits for you and when the run ends (AIDER_ORCHESTRATOR_EVENT, _RUN, _AGENT, _BRANCH in its environment)',
    )
    .option('--headless', 'no TUI: print agent output lines and a summary table (automatic when stdout is not a TTY)')
    .option('-y, --yes', 'approve the PRD and the file assignment without asking (required with --headless)')
    .option('--repo <path|url>', 'work on this repository (a URL is cloned into the data folder) instead of the current one')
    .option('--trust-repo', "let the repository's tracked .env / .aider.conf.yml set aider's commands (your endpoints and keys still win)")
    .option('--aider-bin <path>', 'the aider executable to run (default: config, PATH, then the managed venv)')
    .argument('[aider-args...]', 'after --: arguments given to every aider, e.g. -- --edit-format diff')
    .addHelpText('after', HELP_AFTER)
    .showHelpAfterError('(run aider-orchestrator --help for usage)')
    .action(async (aiderArgs: string[], options: Omit<RunFlags, 'aiderArgs'>) => {
      context.exit(await run({ ...options, aiderArgs }, context.argv));
    });

/** A key on the command line is in every `ps` listing for as long as the run lasts. */
export const API_KEY_FLAG_WARNING =
  '--api-key is visible to other users of this machine (in `ps`) while the run lasts: set GEMINI_API_KEY in the environment or a .env file instead';

/** `aider-orchestrator [options]`: check the flags, build the run, drive it with the TUI or headless. */
export const runCommand = async (flags: RunFlags, argv: readonly string[]): Promise<number> => {
  const stray = strayOperands(argv, flags.aiderArgs);
  if (stray.length > 0) {
    throw new UserError(`unexpected argument '${stray[0]}': quote the change text (--change "..."), and put aider arguments after --`);
  }
  const change = (flags.changeFile !== undefined ? await readChangeFile(flags.changeFile) : flags.change)?.trim() ?? '';
  const headless = isHeadless(flags.headless);
  if (headless) {
    const why = flags.headless ? 'with --headless' : 'without a terminal (stdout or stdin is not a TTY)';
    if (!change) throw new UserError(`--change is required ${why}: pass --change "<what to build>" (or --change-file <path>)`);
    if (!flags.yes) {
      throw new UserError(`--yes is required ${why}: nobody can review the PRD and the file assignment, so pass --yes to approve them`);
    }
  }
  if (!headless) preloadTui();
  const warnings: string[] = [];
  const warn = (message: string) => (headless ? process.stderr.write(`warning: ${message}\n`) : warnings.push(message));
  if (flags.apiKey) warn(API_KEY_FLAG_WARNING);
  const checksAbort = new AbortController();
  const checks = createRun({
    change,
    flags: settingsFromFlags(flags),
    files: flags.files,
    repo: flags.repo,
    cwd: process.cwd(),
    env: process.env,
    terminalSize: terminalSize(headless),
    warn,
    signal: checksAbort.signal,
    trustRepo: flags.trustRepo === true,
    // In the TUI a finished agent's aider waits at its prompt for a follow-up (`f` on the summary).
    keepIdleSessions: !headless,
  });
  if (headless) return runHeadless(await checks);
  // The TUI draws its first frame as soon as it is loaded, while the checks go on.
  return runInTui(checks, { warnings, yes: flags.yes === true, change, checks: checksAbort });
};
