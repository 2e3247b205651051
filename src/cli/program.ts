import { Command, InvalidArgumentError, Option } from 'commander';
import os from 'node:os';
import { DURATION_HINT, parseDuration } from '../config/duration.js';
import type { FollowUpOptions } from './commands/followUp.js';

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

export interface CommandHandlers {
  run(flags: RunFlags): Promise<void>;
  merge(runId: string | undefined, options: { repo?: string; resolve?: boolean; check?: boolean; trustRepo?: boolean }): Promise<void>;
  resume(runId: string | undefined, options: { headless?: boolean; trustRepo?: boolean }): Promise<void>;
  followUp(runId: string | undefined, options: FollowUpOptions): Promise<void>;
  runs(options: { limit?: number }): Promise<void>;
  demo(options: { headless?: boolean; agents?: number }): Promise<void>;
  show(runId: string): Promise<void>;
  clean(runId: string | undefined, options: { repo?: string; branches?: boolean; yes?: boolean }): Promise<void>;
  pr(
    runId: string | undefined,
    options: { repo?: string; remote?: string; perAgent?: boolean; base?: string; yes?: boolean },
  ): Promise<void>;
  setup(options: { python?: string }): Promise<void>;
  config(): Promise<void>;
}

const positiveInt =
  (name: string, max: number) =>
  (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < 1 || n > max) {
      throw new InvalidArgumentError(`${name} must be a whole number from 1 to ${max}.`);
    }
    return n;
  };

const durationArg =
  (name: string) =>
  (value: string): number => {
    const ms = parseDuration(value);
    if (ms === undefined) throw new InvalidArgumentError(`${name} must be ${DURATION_HINT}.`);
    return ms;
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

export const buildProgram = (handlers: CommandHandlers, version: string): Command => {
  const program = new Command('aider-orchestrator')
    .description('Turn one change request into parallel work by several Aider agents, each in its own git worktree and branch.')
    .version(version, '-V, --version')
    // Subcommand options (clean --yes) belong to the subcommand, not to the run's own --yes.
    .enablePositionalOptions()
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
      await handlers.run({ ...options, aiderArgs });
    });

  program
    .command('setup')
    .description(`install aider (aider-chat) into the app's own virtualenv, with progress`)
    .option('--python <path>', 'the Python (>= 3.10, < 3.13) to create the virtualenv with (default: python3)')
    .action(async (options: { python?: string }) => handlers.setup(options));

  program
    .command('demo')
    .description('the whole flow on a sample project, with local stand-ins for the LLMs: no API key needed (installs aider if missing)')
    .option('--setup-cmd <command>', 'command run in each new worktree before its agent starts, e.g. "npm ci"; a failure fails that agent')
    .option(
      '--notify-cmd <command>',
      'your command, run when an agent succeeds, fails or waits for you and when the run ends (AIDER_ORCHESTRATOR_EVENT, _RUN, _AGENT, _BRANCH in its environment)',
    )
    .option('--headless', 'no TUI (automatic without a terminal)')
    .option('-n, --agents <n>', 'agents at once (default: 3)', positiveInt('--agents', 8))
    .action(async (options: { headless?: boolean; agents?: number }) => handlers.demo(options));

  program
    .command('runs')
    .description('list the latest runs (all repositories), newest first')
    .option('-n, --limit <n>', 'how many', positiveInt('--limit', 1000))
    .action(async (options: { limit?: number }) => handlers.runs(options));

  program
    .command('show')
    .argument('<run>', 'run id (see `runs`)')
    .description("print a run's summary")
    .action(async (runId: string) => handlers.show(runId));

  program
    .command('resume')
    .argument('[run]', 'run id (default: the newest unfinished run of this repository)')
    .description('continue a run the app did not finish (killed, terminal closed): its unfinished agents go on where they were')
    .option('--setup-cmd <command>', 'command run in each new worktree before its agent starts, e.g. "npm ci"; a failure fails that agent')
    .option(
      '--notify-cmd <command>',
      'your command, run when an agent succeeds, fails or waits for you and when the run ends (AIDER_ORCHESTRATOR_EVENT, _RUN, _AGENT, _BRANCH in its environment)',
    )
    .option('--headless', 'no TUI (automatic without a terminal)')
    .option('--trust-repo', "let the repository's tracked aider settings apply, as for the run")
    .action(async (runId: string | undefined, options: { headless?: boolean; trustRepo?: boolean }) => handlers.resume(runId, options));

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
    .action(async (runId: string | undefined, options: FollowUpOptions) => handlers.followUp(runId, options));

  program
    .command('merge')
    .argument('[run]', 'run id (default: the latest run of this repository)')
    .description(
      "merge the succeeded agents' branches (one per task: its winner) into aider-orchestrator/<run>/merged, off the run's base (your branch is not touched), then run the run's check command on it; exit 1 when a branch is left out or the check fails",
    )
    .option('--repo <path>', 'the repository (default: the current one)')
    .option(
      '--resolve',
      "resolve a conflicting branch with an aider session (the run's model), then merge it; merges into an existing integration branch",
    )
    .option('--no-check', "do not run the run's check command on the integration branch")
    .option('--trust-repo', "let the repository's tracked aider settings apply, as for the run")
    .action(async (runId: string | undefined, options: { repo?: string; resolve?: boolean; check?: boolean; trustRepo?: boolean }) =>
      handlers.merge(runId, options),
    );

  program
    .command('clean')
    .argument('[run]', 'run id (default: the latest run of this repository)')
    .description("remove a run's agent worktrees (asks first)")
    .option('--branches', 'also delete the agent branches')
    .option('-y, --yes', 'do not ask')
    .option('--repo <path>', 'the repository (default: the current one)')
    .action(async (runId: string | undefined, options: { repo?: string; branches?: boolean; yes?: boolean }) =>
      handlers.clean(runId, options),
    );

  program
    .command('pr')
    .argument('[run]', 'run id (default: the latest run of this repository)')
    .description(
      "push the run's integration branch (made by merge) to a remote and open a GitHub pull request, its title and body written by the PRD model (asks first)",
    )
    .option('--per-agent', "each succeeded agent's own branch instead, one pull request each")
    .option('--remote <name>', 'the remote to push to; its URL names the GitHub repository (else GITHUB_REPOSITORY)', 'origin')
    .option('--base <branch>', 'the branch the pull requests go into (default: the branch the run started from)')
    .option('-y, --yes', 'do not ask')
    .option('--repo <path>', 'the repository (default: the current one)')
    .action(
      async (runId: string | undefined, options: { repo?: string; remote?: string; perAgent?: boolean; base?: string; yes?: boolean }) =>
        handlers.pr(runId, options),
    );

  program
    .command('config')
    .description('edit the stored settings (models, limits, aider arguments) in a form')
    .action(async () => handlers.config());

  return program;
};

/**
 * Operands are only aider arguments when they follow `--`; anything else is a
 * mistake (a mistyped subcommand, an unquoted change text) worth a clear error.
 */
export const strayOperands = (argv: readonly string[], aiderArgs: readonly string[]): string[] => {
  const separator = argv.indexOf('--');
  const afterSeparator = separator === -1 ? 0 : argv.length - separator - 1;
  return aiderArgs.slice(0, Math.max(0, aiderArgs.length - afterSeparator));
};
