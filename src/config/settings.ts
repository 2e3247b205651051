import os from 'node:os';

/**
 * Every setting the app reads, after precedence is applied
 * (defaults < stored config < environment < flags; see config/resolve.ts).
 */
export interface Settings {
  /** Aider's model for the agents (`--model`), e.g. `gpt-4o`, `sonnet`, `openai/my-model`. */
  agentModel: string;
  /** Model that writes the PRD and the plan, in aider's notation (`gemini-2.5-flash`, `openai/gpt-4.1`, ...). */
  prdModel: string;
  /**
   * After each turn a model reads what the agent did and decides the next step (instruct again,
   * run the check, finish). Off: the agent is done after its first turn unless the check fails.
   */
  supervisor: boolean;
  /** The supervisor's model, in aider's notation; undefined: the PRD model (see supervisorModelOf). */
  supervisorModel: string | undefined;
  /** Agents running at once. */
  maxAgents: number;
  /** Cap on Aider `message_send` events per agent. */
  maxIterations: number;
  /** Independent attempts at each task (best-of-n). */
  agentsPerTask: number;
  /**
   * Best of n: the first attempt of a task to succeed (pass the check command, when there is one)
   * wins at once, and the task's other attempts are stopped. Off: they run to the end and are judged.
   */
  firstWins: boolean;
  /** Explicit aider executable; else PATH, then the managed venv. */
  aiderBin: string | undefined;
  /** Extra arguments given to every aider (after ours, so they win). */
  aiderArgs: string[];
  /** Shell command run in an agent's worktree after each turn; non-zero exit → follow-up turn. */
  checkCommand: string | undefined;
  /** ms without an output line or an aider event after which a turn's aider is ended and the agent fails. */
  idleTimeout: number;
  /** ms the check command may run before its processes are ended and the agent fails. */
  checkTimeout: number;
  /** Google API key, for a Gemini PRD model (other providers' keys stay in the environment). Never written to any file. */
  geminiApiKey: string | undefined;
  /** Override of the Gemini endpoint (self-hosted gateway, tests). */
  geminiBaseUrl: string | undefined;
  /** Folder for PRDs, relative to the target repo root. */
  prdDir: string;
  /** Folder for agent logs and summaries, relative to the target repo root. */
  logDir: string;
  /** The app's data folder: worktrees, run files, managed venv, cloned repos. */
  dataDir: string;
  /** Shell command run in each new worktree before its agent's aider starts (e.g. `npm ci`); a failure fails that agent. */
  setupCommand: string | undefined;
  /** The user's command run (by their shell) when an agent finishes, fails or waits for them, and when the run ends. */
  notifyCommand: string | undefined;
  /** An OS notification (notify-send, osascript) for the same events, in the TUI, where the command exists. */
  notifyDesktop: boolean;
  /** The dashboard takes the mouse (the wheel scrolls the pane under the pointer); off leaves it to the terminal for selecting text. */
  mouse: boolean;
}

export const defaultDataDir = (): string =>
  process.env.XDG_DATA_HOME ? `${process.env.XDG_DATA_HOME}/aider-orchestrator` : `${os.homedir()}/.local/share/aider-orchestrator`;

export const defaultSettings = (): Settings => ({
  agentModel: 'gpt-4o',
  prdModel: 'gemini-2.5-flash',
  supervisor: true,
  supervisorModel: undefined,
  maxAgents: os.availableParallelism(),
  maxIterations: 10,
  agentsPerTask: 1,
  firstWins: false,
  aiderBin: undefined,
  aiderArgs: [],
  checkCommand: undefined,
  idleTimeout: 10 * 60_000,
  checkTimeout: 10 * 60_000,
  geminiApiKey: undefined,
  geminiBaseUrl: undefined,
  prdDir: 'docs/prd',
  logDir: '.aider_logs',
  dataDir: defaultDataDir(),
  setupCommand: undefined,
  notifyCommand: undefined,
  notifyDesktop: true,
  mouse: true,
});

/** The model the supervisor calls: its own setting, else the PRD model (one key covers both). */
export const supervisorModelOf = (settings: Pick<Settings, 'supervisorModel' | 'prdModel'>): string =>
  settings.supervisorModel?.trim() || settings.prdModel;
