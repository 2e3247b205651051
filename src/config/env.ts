import fs from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { UserError } from '../errors.js';
import type { Settings } from './settings.js';
import { DURATION_HINT, parseDuration } from './duration.js';
import { LIMITS } from './validate.js';

/**
 * The environment the run sees: the user's own `.env` files in the given folders (later
 * folders win), then the real environment on top (it always wins over a file). A `.env`
 * that belongs to a repository (`isRepoData`: tracked by git, or part of a clone) is data,
 * never the app's configuration, and is not read.
 */
export const readEnvironment = async (options: {
  dirs: readonly string[];
  env: NodeJS.ProcessEnv;
  isRepoData(file: string): Promise<boolean>;
}): Promise<NodeJS.ProcessEnv> => {
  const merged: NodeJS.ProcessEnv = {};
  const seen = new Set<string>();
  for (const dir of options.dirs) {
    const file = path.resolve(dir, '.env');
    if (seen.has(file)) continue;
    seen.add(file);
    if (!fs.existsSync(file) || (await options.isRepoData(file))) continue;
    let content: string;
    try {
      content = fs.readFileSync(file, 'utf8');
    } catch {
      continue; // unreadable: as if absent
    }
    Object.assign(merged, parseEnv(content));
  }
  for (const [key, value] of Object.entries(options.env)) {
    if (value !== undefined) merged[key] = value;
  }
  return merged;
};

/** Every variable the app reads, for README, .env.example and `--help`. */
export const ENV_VARS = {
  AIDER_ORCHESTRATOR_MODEL: 'aider model for the agents (like --model)',
  AIDER_ORCHESTRATOR_PRD_MODEL: "model for the PRD and plan, in aider's notation (like --prd-model)",
  AIDER_ORCHESTRATOR_SUPERVISOR_MODEL:
    "model that reads each turn and decides the next step, in aider's notation (like --supervisor-model; default: the PRD model)",
  AIDER_ORCHESTRATOR_SUPERVISOR:
    'off: no supervisor, an agent is done after its first turn unless the check fails (like --no-supervisor; default on)',
  AIDER_ORCHESTRATOR_MAX_AGENTS: 'agents running at once (like --max-agents)',
  AIDER_ORCHESTRATOR_MAX_ITERATIONS: 'LLM turns per agent (like --max-iterations)',
  AIDER_ORCHESTRATOR_AGENTS_PER_TASK: 'attempts per task (like --agents-per-task)',
  AIDER_ORCHESTRATOR_FIRST_WINS:
    "on: a task's first attempt to pass the check wins, the others are stopped (like --first-wins; default off)",
  AIDER_ORCHESTRATOR_AIDER_BIN: 'aider executable (like --aider-bin)',
  AIDER_ORCHESTRATOR_AIDER_ARGS: 'extra aider arguments, space-separated (like -- <args>)',
  AIDER_ORCHESTRATOR_CHECK_CMD: 'check command run after each turn (like --check-cmd)',
  AIDER_ORCHESTRATOR_SETUP_CMD: 'command run in each new worktree before its agent starts, e.g. npm ci (like --setup-cmd)',
  AIDER_ORCHESTRATOR_NOTIFY_CMD:
    'your command, run when an agent finishes, fails or waits for you and when the run ends (like --notify-cmd)',
  AIDER_ORCHESTRATOR_NOTIFY_DESKTOP: 'off: no OS notification (notify-send, osascript) from the TUI (default on)',
  AIDER_ORCHESTRATOR_IDLE_TIMEOUT: 'an agent with no output and no aider event this long fails, e.g. 10m (like --idle-timeout)',
  AIDER_ORCHESTRATOR_CHECK_TIMEOUT: 'the check command is ended after this long, e.g. 10m (like --check-timeout)',
  AIDER_ORCHESTRATOR_DATA_DIR: 'data folder: worktrees, run files, managed venv, clones',
  AIDER_ORCHESTRATOR_CONFIG_DIR: 'folder of the stored configuration file',
  AIDER_ORCHESTRATOR_PRD_DIR: 'PRD folder, relative to the repo (default docs/prd)',
  AIDER_ORCHESTRATOR_LOG_DIR: 'log folder, relative to the repo (default .aider_logs)',
  AIDER_ORCHESTRATOR_MOUSE: 'off: the dashboard leaves the mouse to the terminal, for selecting text (default on)',
  GEMINI_API_KEY: 'Google API key for a Gemini PRD model (or GOOGLE_API_KEY)',
  GOOGLE_GEMINI_BASE_URL: 'Gemini endpoint override (self-hosted gateway)',
  OPENAI_API_KEY: 'OpenAI key (openai/…, gpt-…), for the agents and the PRD model',
  OPENAI_API_BASE: 'OpenAI-compatible server (vLLM, LM Studio, a gateway) for openai/… models',
  ANTHROPIC_API_KEY: 'Anthropic key (anthropic/…, claude-…, sonnet)',
  ANTHROPIC_API_BASE: "Anthropic endpoint (the server's root; ANTHROPIC_BASE_URL works too)",
  OPENROUTER_API_KEY: 'OpenRouter key (openrouter/…)',
  OPENROUTER_API_BASE: 'OpenRouter endpoint override',
  DEEPSEEK_API_KEY: 'DeepSeek key (deepseek/…)',
  DEEPSEEK_API_BASE: 'DeepSeek endpoint override',
  OLLAMA_API_BASE: 'Ollama server for ollama_chat/… models (default http://127.0.0.1:11434)',
  GITHUB_TOKEN: 'token `pr` opens pull requests (and pushes over https to GitHub) with',
  GITHUB_REPOSITORY: "<owner>/<name> of the pull requests when the remote's URL names no GitHub repository",
  GITHUB_API_URL: "GitHub's REST API root (default https://api.github.com; GitHub Enterprise: https://<host>/api/v3)",
} as const;

const count = (env: NodeJS.ProcessEnv, name: keyof typeof ENV_VARS, max: number): number | undefined => {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > max) {
    throw new UserError(`${name}=${raw} is not a whole number from 1 to ${max}; fix it in the environment or .env`);
  }
  return n;
};

const duration = (env: NodeJS.ProcessEnv, name: keyof typeof ENV_VARS): number | undefined => {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const ms = parseDuration(raw);
  if (ms === undefined) throw new UserError(`${name}=${raw} is not ${DURATION_HINT}; fix it in the environment or .env`);
  return ms;
};

const text = (env: NodeJS.ProcessEnv, name: string): string | undefined => env[name]?.trim() || undefined;

const onOff = (env: NodeJS.ProcessEnv, name: keyof typeof ENV_VARS): boolean | undefined => {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return undefined;
  if (['on', 'true', '1', 'yes'].includes(raw)) return true;
  if (['off', 'false', '0', 'no'].includes(raw)) return false;
  throw new UserError(`${name}=${raw} is neither on nor off; fix it in the environment or .env`);
};

/** The settings the environment sets; unset variables stay undefined so lower layers show through. */
export const settingsFromEnv = (env: NodeJS.ProcessEnv): Partial<Settings> => {
  const aiderArgs = text(env, 'AIDER_ORCHESTRATOR_AIDER_ARGS');
  const baseUrl = text(env, 'GOOGLE_GEMINI_BASE_URL');
  if (baseUrl && !/^https?:\/\//.test(baseUrl)) {
    throw new UserError(`GOOGLE_GEMINI_BASE_URL=${baseUrl} is not an http(s) URL; fix it in the environment or .env`);
  }
  return {
    agentModel: text(env, 'AIDER_ORCHESTRATOR_MODEL'),
    prdModel: text(env, 'AIDER_ORCHESTRATOR_PRD_MODEL'),
    supervisor: onOff(env, 'AIDER_ORCHESTRATOR_SUPERVISOR'),
    supervisorModel: text(env, 'AIDER_ORCHESTRATOR_SUPERVISOR_MODEL'),
    maxAgents: count(env, 'AIDER_ORCHESTRATOR_MAX_AGENTS', LIMITS.maxAgents),
    maxIterations: count(env, 'AIDER_ORCHESTRATOR_MAX_ITERATIONS', LIMITS.maxIterations),
    agentsPerTask: count(env, 'AIDER_ORCHESTRATOR_AGENTS_PER_TASK', LIMITS.agentsPerTask),
    firstWins: onOff(env, 'AIDER_ORCHESTRATOR_FIRST_WINS'),
    aiderBin: text(env, 'AIDER_ORCHESTRATOR_AIDER_BIN'),
    aiderArgs: aiderArgs ? aiderArgs.split(/\s+/) : undefined,
    checkCommand: text(env, 'AIDER_ORCHESTRATOR_CHECK_CMD'),
    setupCommand: text(env, 'AIDER_ORCHESTRATOR_SETUP_CMD'),
    notifyCommand: text(env, 'AIDER_ORCHESTRATOR_NOTIFY_CMD'),
    notifyDesktop: onOff(env, 'AIDER_ORCHESTRATOR_NOTIFY_DESKTOP'),
    idleTimeout: duration(env, 'AIDER_ORCHESTRATOR_IDLE_TIMEOUT'),
    checkTimeout: duration(env, 'AIDER_ORCHESTRATOR_CHECK_TIMEOUT'),
    dataDir: text(env, 'AIDER_ORCHESTRATOR_DATA_DIR'),
    prdDir: text(env, 'AIDER_ORCHESTRATOR_PRD_DIR'),
    logDir: text(env, 'AIDER_ORCHESTRATOR_LOG_DIR'),
    geminiApiKey: text(env, 'GEMINI_API_KEY') ?? text(env, 'GOOGLE_API_KEY'),
    geminiBaseUrl: baseUrl,
    mouse: onOff(env, 'AIDER_ORCHESTRATOR_MOUSE'),
  };
};
