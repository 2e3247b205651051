import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { isEndpointOrKeyVar } from '../config/repoTrust.js';
import { makePrivateDir } from '../logs/privateFiles.js';

/** What one aider process of an agent is given. */
export interface AiderInvocation {
  model: string;
  /** Aider appends its events here (read for iterations, tokens, cost). */
  analyticsLog: string;
  /** Chat history kept in the run folder, not in the worktree (nothing to commit by mistake). */
  chatHistoryFile: string;
  inputHistoryFile: string;
  /**
   * The turn's message (task or follow-up), handed over by file, never through a shell.
   * Without one, aider stays at its prompt: an interactive session (agents/aiderSession.ts).
   */
  messageFile?: string;
  /**
   * Run by aider (`sh -c`) each time it waits after an LLM call: the session's turn signal.
   * A fixed string the app controls, never built from user or repo data.
   */
  notificationsCommand?: string;
  /** Continue the conversation of the earlier turns. */
  restoreChatHistory: boolean;
  /** Repo-relative files aider edits. */
  files: readonly string[];
  /** Model metadata for models aider cannot know (see localModelMetadata). */
  modelMetadataFile: string | undefined;
  /** The user's extra aider arguments; they come last so they win. */
  extraArgs: readonly string[];
}

/**
 * Flags that keep aider unattended and offline-safe: no prompts it could block on,
 * no network besides the model's API (see docs/aider-facts.md).
 */
export const UNATTENDED_FLAGS = [
  '--yes-always',
  '--no-check-update',
  '--no-show-release-notes',
  '--no-analytics',
  '--no-gitignore',
  '--no-detect-urls',
  '--disable-playwright',
  '--no-show-model-warnings',
] as const;

export const buildAiderArgs = (run: AiderInvocation): string[] => [
  '--model',
  run.model,
  ...UNATTENDED_FLAGS,
  '--analytics-log',
  run.analyticsLog,
  '--chat-history-file',
  run.chatHistoryFile,
  '--input-history-file',
  run.inputHistoryFile,
  ...(run.restoreChatHistory ? ['--restore-chat-history'] : []),
  ...(run.modelMetadataFile ? ['--model-metadata-file', run.modelMetadataFile] : []),
  ...(run.notificationsCommand ? ['--notifications', '--notifications-command', run.notificationsCommand] : []),
  ...(run.messageFile ? ['--message-file', run.messageFile] : []),
  ...run.extraArgs,
  // `--file=<path>`: a file named like a flag stays a file. Not `-- <files>`: configargparse
  // appends list options from the environment or a config file (AIDER_LINT_CMD, lint-cmd...)
  // after the command line, where a `--` would turn each into a file aider creates.
  ...run.files.map((file) => `--file=${file}`),
];

/**
 * Metadata for an `openai/<name>` model (a self-hosted or local OpenAI-compatible server).
 * Aider cannot know such a model: without this it warns and fetches litellm's price list
 * from GitHub at every start (5 s timeouts offline). Other models use aider's own data.
 */
export const localModelMetadata = (model: string): Record<string, unknown> | undefined =>
  model.startsWith('openai/')
    ? {
        [model]: {
          max_input_tokens: 128_000,
          max_output_tokens: 4096,
          max_tokens: 4096,
          input_cost_per_token: 0,
          output_cost_per_token: 0,
          litellm_provider: 'openai',
          mode: 'chat',
        },
      }
    : undefined;

/** What the repository's tracked files set, when the user trusts it (config/repoTrust.ts RepoScan). */
export interface RepoSettings {
  envNames: readonly string[];
  aiderOptions: readonly string[];
}

/**
 * Aider options that set an endpoint or a key, and the value of their AIDER_* variable that
 * makes them inert: a variable beats a config file in configargparse, and an empty value is
 * no value to aider. For the list options an empty list would let a config file's entries
 * through, so one harmless entry stands in for them.
 */
const AIDER_ENDPOINT_AND_KEY_OPTIONS: Record<string, string> = {
  'openai-api-base': '',
  'openai-api-key': '',
  'anthropic-api-key': '',
  'openai-api-type': '',
  'openai-api-version': '',
  'openai-api-deployment-id': '',
  'openai-organization-id': '',
  'set-env': '["AIDER_ORCHESTRATOR_PINNED=1"]',
  'api-key': '["aider_orchestrator_pinned=1"]',
};

/**
 * Pins the user's endpoints and keys for every aider, whatever a worktree's `.env` says.
 * Aider loads `~/.env`, the git root's `.env`, the cwd's `.env` and then its `--env-file`
 * (here AIDER_ENV_FILE), each with override: this last file wins. It holds no value, only
 * references (`NAME="${COPY}"`, python-dotenv's expansion) to copies of the user's values kept
 * in aider's environment under names made for this run, which no file in the repo can know.
 * A variable the user has not set, but the repo's `.env` does, is set empty (unset to litellm),
 * and so is OPENAI_BASE_URL, which litellm prefers over OPENAI_API_BASE.
 */
export const pinEndpointsAndKeys = (
  env: NodeJS.ProcessEnv,
  options: { file: string; repo?: RepoSettings | undefined },
): NodeJS.ProcessEnv => {
  const prefix = `AIDER_ORCHESTRATOR_PIN_${randomBytes(8).toString('hex')}_`;
  const names = new Set(['OPENAI_BASE_URL', ...Object.keys(env).filter(isEndpointOrKeyVar)]);
  for (const name of options.repo?.envNames ?? []) {
    if (!name.startsWith('AIDER_') && isEndpointOrKeyVar(name)) names.add(name);
  }
  const copies: NodeJS.ProcessEnv = {};
  const lines: string[] = [];
  for (const name of [...names].filter((name) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(name)).sort()) {
    const value = env[name];
    if (value && name !== 'OPENAI_BASE_URL') {
      copies[prefix + name] = value;
      lines.push(`${name}="\${${prefix}${name}}"`);
    } else {
      lines.push(`${name}=`);
    }
  }
  const repoOptions = new Set(options.repo?.aiderOptions ?? []);
  for (const [option, inert] of Object.entries(AIDER_ENDPOINT_AND_KEY_OPTIONS)) {
    if (repoOptions.has(option)) lines.push(`AIDER_${option.toUpperCase().replace(/-/g, '_')}='${inert}'`);
  }
  makePrivateDir(path.dirname(options.file));
  fs.writeFileSync(
    options.file,
    `# Written by aider-orchestrator: the user's endpoints and keys win (no values here).\n${lines.join('\n')}\n`,
    { mode: 0o600 },
  );
  return { ...copies, AIDER_ENV_FILE: options.file };
};

/**
 * The environment of every aider: the user's (with their own .env values merged in) minus what
 * would silently change aider's behaviour (AIDER_* options, OPENAI_BASE_URL, which litellm
 * prefers over OPENAI_API_BASE), plus what keeps it offline-safe. With `pins`, the user's
 * endpoints and keys also win over any `.env` in the worktree (see pinEndpointsAndKeys).
 */
export const buildAiderEnv = (env: NodeJS.ProcessEnv, pins?: { file: string; repo?: RepoSettings | undefined }): NodeJS.ProcessEnv => {
  const result: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined || key.startsWith('AIDER_') || key === 'OPENAI_BASE_URL') continue;
    result[key] = value;
  }
  return {
    ...result,
    ...(pins ? pinEndpointsAndKeys(result, pins) : {}),
    TERM: 'xterm-256color',
    COLORTERM: 'truecolor',
    // The local copy of litellm's price map; otherwise it is fetched from GitHub at start.
    LITELLM_LOCAL_MODEL_COST_MAP: 'True',
    // prompt_toolkit's cursor-position request could wait on a terminal that never answers.
    PROMPT_TOOLKIT_NO_CPR: '1',
    // Nothing may open a browser from an unattended agent.
    BROWSER: 'true',
    PYTHONUNBUFFERED: '1',
  };
};
