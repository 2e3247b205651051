import { UserError } from '../errors.js';
import { createRun } from '../orchestrator/createRun.js';
import { readChangeFile } from './changeFile.js';
import { settingsFromFlags } from './flags.js';
import { runHeadless } from './headless.js';
import { preloadTui, runInTui } from './tui.js';
import { strayOperands, type RunFlags } from './program.js';

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
  const headless = flags.headless === true || !process.stdout.isTTY || !process.stdin.isTTY;
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
    terminalSize: headless ? { cols: 120, rows: 40 } : { cols: process.stdout.columns ?? 120, rows: process.stdout.rows ?? 40 },
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
