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
 * no network besides the model's API (see ../shared/AIDER_FACTS.md).
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
  // `--` ends the options: a file named like a flag stays a file.
  ...(run.files.length > 0 ? ['--', ...run.files] : []),
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

/**
 * The environment of every aider: the user's (with .env values merged in) minus what
 * would silently change aider's behaviour (AIDER_* options, OPENAI_BASE_URL, which
 * litellm prefers over OPENAI_API_BASE), plus what keeps it offline-safe.
 */
export const buildAiderEnv = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv => {
  const result: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined || key.startsWith('AIDER_') || key === 'OPENAI_BASE_URL') continue;
    result[key] = value;
  }
  return {
    ...result,
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
