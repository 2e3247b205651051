import { parse as parseYaml } from 'yaml';
import { UserError } from '../errors.js';
import { ENV_VARS } from './env.js';

/**
 * The trust rule: what a target repository contains is data, never configuration or commands.
 * Aider reads these files at the git root of every worktree (aider 0.86 main.py): `.env` with
 * override, `.aider.conf.yml` above the user's own, `.aider.model.settings.yml` (whose
 * `extra_params` reach litellm: `api_base`, `api_key`, ...). `.aider.model.metadata.json` only
 * holds context sizes and prices, which aider never hands to litellm: it is left as data.
 */
export const AGENT_CONFIG_FILES = ['.env', '.aider.conf.yml', '.aider.model.settings.yml'] as const;

/** A committed file (see git/repo.ts committedFiles). */
export interface RepoFile {
  path: string;
  kind: 'file' | 'symlink';
  text: string;
}

/** What a repository's tracked files would configure. */
export interface RepoScan {
  /** Per file, the variables and options that would set commands, endpoints or keys for aider. */
  findings: { file: string; keys: string[] }[];
  /** The app's own variables a tracked `.env` sets: never read, whatever the trust. */
  appSettings: string[];
  /** Every variable the tracked `.env` sets. */
  envNames: string[];
  /** Every aider option the tracked `.env` (`AIDER_*`) and `.aider.conf.yml` set. */
  aiderOptions: string[];
}

/**
 * Aider options that only change how aider looks, talks to its model or commits: no command,
 * endpoint, key, file outside the repo or model routing. Every other option (and any option
 * this list does not know, as a later aider may add) counts as configuring aider.
 */
const HARMLESS_AIDER_OPTIONS = new Set(
  [
    'reasoning-effort',
    'thinking-tokens',
    'timeout',
    'edit-format',
    'chat-mode',
    'architect',
    'auto-accept-architect',
    'editor-edit-format',
    'show-model-warnings',
    'check-model-accepts-settings',
    'max-chat-history-tokens',
    'cache-prompts',
    'cache-keepalive-pings',
    'map-tokens',
    'map-refresh',
    'map-multiplier-no-files',
    'restore-chat-history',
    'stream',
    'dark-mode',
    'light-mode',
    'pretty',
    'user-input-color',
    'tool-output-color',
    'tool-error-color',
    'tool-warning-color',
    'assistant-output-color',
    'completion-menu-color',
    'completion-menu-bg-color',
    'completion-menu-current-color',
    'completion-menu-current-bg-color',
    'code-theme',
    'show-diffs',
    'git',
    'gitignore',
    'add-gitignore-files',
    'subtree-only',
    'auto-commits',
    'dirty-commits',
    'attribute-author',
    'attribute-committer',
    'attribute-commit-message-author',
    'attribute-commit-message-committer',
    'attribute-co-authored-by',
    'commit-prompt',
    'dry-run',
    'skip-sanity-check-repo',
    'watch-files',
    'auto-lint',
    'auto-test',
    'analytics',
    'check-update',
    'show-release-notes',
    'show-repo-map',
    'show-prompts',
    'exit',
    'voice-format',
    'voice-language',
    'disable-playwright',
    'vim',
    'chat-language',
    'commit-language',
    'yes-always',
    'verbose',
    'encoding',
    'line-endings',
    'suggest-shell-commands',
    'fancy-input',
    'multiline',
    'detect-urls',
    // Given on every aider's command line (agents/aiderArgs.ts), which beats a config file.
    'model',
    'analytics-log',
    'chat-history-file',
    'input-history-file',
    'message-file',
  ].flatMap((option) => [option, `no-${option}`]),
);

/** `AIDER_LINT_CMD` → `lint-cmd` (configargparse's auto_env_var_prefix, in reverse). */
const aiderOptionOfVar = (name: string): string => name.slice('AIDER_'.length).toLowerCase().replace(/_/g, '-');

const isAppVar = (name: string): boolean => name in ENV_VARS || name.startsWith('AIDER_ORCHESTRATOR_');

/**
 * Variables that choose an endpoint or carry a key: anything named like a key, base URLs,
 * proxies and TLS trust, and every variable of a model provider or of litellm.
 */
export const isEndpointOrKeyVar = (name: string): boolean =>
  /(^|_)(API_?KEY|KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIALS?)(_|$)/i.test(name) ||
  /(^|_)(API_BASE|BASE_URL|ENDPOINT)$/i.test(name) ||
  /PROXY/i.test(name) ||
  /^(SSL_|REQUESTS_CA_BUNDLE$|CURL_CA_BUNDLE$)/i.test(name) ||
  /^(OPENAI|ANTHROPIC|AZURE|AWS|GOOGLE|GEMINI|VERTEX(AI)?|OLLAMA|OPENROUTER|DEEPSEEK|MISTRAL|GROQ|XAI|COHERE|HUGGINGFACE|HF|TOGETHER(AI)?|FIREWORKS(_AI)?|PERPLEXITY(AI)?|REPLICATE|WATSONX|DATABRICKS|NVIDIA_NIM|CLOUDFLARE|CEREBRAS|SAMBANOVA|LM_STUDIO|HOSTED_VLLM|VLLM|LITELLM|BEDROCK|SAGEMAKER|GITHUB|COPILOT|DASHSCOPE|MOONSHOT|DEEPINFRA|NEBIUS|NOVITA|VOYAGE|CODESTRAL)_/i.test(
    name,
  );

/** Variables that choose what runs: the program search path, shells, editors, loaders, git's and Python's settings. */
const isCommandVar = (name: string): boolean =>
  /^(HOME|SHELL|ENV|BASH_ENV|ZDOTDIR|EDITOR|VISUAL|BROWSER|PAGER|TERMINAL|PROMPT_COMMAND|IFS|PERL5OPT|RUBYOPT)$/.test(name) ||
  /PATH$/.test(name) ||
  /^(LD_|DYLD_|PYTHON|GIT_|XDG_|LESS)/.test(name) ||
  /(_CMD|_COMMAND|OPTIONS|PAGER|ASKPASS)$/.test(name);

/**
 * The variable names a `.env` sets, as python-dotenv (aider's reader) sees them: an optional
 * `export`, a bare or single-quoted key, `=`. A line inside a multi-line value may be taken
 * for a variable too: that errs on the side of refusing.
 */
export const envFileNames = (text: string): string[] => {
  const names: string[] = [];
  for (const line of text.split(/\r\n|\n|\r/)) {
    const match = /^\s*(?:export\s+)?(?:'([^']*)'|([^=#\s]+))\s*=/.exec(line);
    const name = match?.[1] ?? match?.[2];
    if (name && !names.includes(name)) names.push(name);
  }
  return names;
};

/** Keys of `extra_params` that only tune the request; any other (`api_base`, `api_key`, headers...) counts. */
const HARMLESS_EXTRA_PARAMS = new Set([
  'max_tokens',
  'max_completion_tokens',
  'temperature',
  'top_p',
  'top_k',
  'min_p',
  'num_ctx',
  'seed',
  'stop',
  'presence_penalty',
  'frequency_penalty',
  'repetition_penalty',
  'reasoning_effort',
  'thinking',
  'extra_body',
  'timeout',
]);

const yamlOf = (text: string): { value: unknown } | undefined => {
  try {
    // Merge keys (`<<`), as PyYAML's safe_load resolves them.
    return { value: parseYaml(text, { merge: true, uniqueKeys: false }) };
  } catch {
    return undefined;
  }
};

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `.aider.conf.yml`: its top-level keys (`--lint-cmd` is `lint-cmd` too). */
const confOptions = (text: string): string[] | 'unreadable' => {
  const parsed = yamlOf(text);
  if (!parsed) return 'unreadable';
  if (!isRecord(parsed.value)) return []; // empty, or not options at all (aider refuses it itself)
  return Object.keys(parsed.value).map((key) => key.replace(/^--/, ''));
};

/** `.aider.model.settings.yml`: the settings that route requests or reach litellm as arguments. */
const modelSettingsFindings = (text: string): string[] => {
  const parsed = yamlOf(text);
  if (!parsed) return ['unreadable YAML'];
  if (!Array.isArray(parsed.value)) return [];
  const found = new Set<string>();
  for (const entry of parsed.value) {
    if (!isRecord(entry)) continue;
    for (const key of ['weak_model_name', 'editor_model_name']) if (entry[key] != null) found.add(key);
    const extra = entry.extra_params;
    if (extra == null) continue;
    if (!isRecord(extra)) found.add('extra_params');
    else for (const key of Object.keys(extra)) if (!HARMLESS_EXTRA_PARAMS.has(key)) found.add(`extra_params.${key}`);
  }
  return [...found];
};

/** Judges the committed files aider would read (AGENT_CONFIG_FILES) against the trust rule. */
export const scanRepoFiles = (files: readonly RepoFile[]): RepoScan => {
  const scan: RepoScan = { findings: [], appSettings: [], envNames: [], aiderOptions: [] };
  const report = (file: string, keys: string[]) => {
    if (keys.length > 0) scan.findings.push({ file, keys });
  };
  const order = (file: RepoFile) => (AGENT_CONFIG_FILES as readonly string[]).indexOf(file.path);
  for (const file of [...files].sort((a, b) => order(a) - order(b))) {
    if (file.kind === 'symlink') {
      // Its content lives outside the commit, wherever the link points.
      report(file.path, ['a symbolic link']);
      continue;
    }
    if (file.path === '.env') {
      scan.envNames = envFileNames(file.text);
      scan.appSettings = scan.envNames.filter(isAppVar);
      const aiderVars = scan.envNames.filter((name) => name.startsWith('AIDER_') && !name.startsWith('AIDER_ORCHESTRATOR_'));
      scan.aiderOptions.push(...aiderVars.map(aiderOptionOfVar));
      report(
        file.path,
        scan.envNames.filter((name) =>
          name.startsWith('AIDER_')
            ? !name.startsWith('AIDER_ORCHESTRATOR_') && !HARMLESS_AIDER_OPTIONS.has(aiderOptionOfVar(name))
            : isEndpointOrKeyVar(name) || isCommandVar(name),
        ),
      );
    } else if (file.path === '.aider.conf.yml') {
      const options = confOptions(file.text);
      if (options === 'unreadable') {
        report(file.path, ['unreadable YAML']);
        continue;
      }
      scan.aiderOptions.push(...options);
      report(
        file.path,
        options.filter((option) => !HARMLESS_AIDER_OPTIONS.has(option)),
      );
    } else if (file.path === '.aider.model.settings.yml') {
      report(file.path, modelSettingsFindings(file.text));
    }
  }
  return scan;
};

const MAX_LISTED = 6;
const listed = (keys: readonly string[]): string =>
  keys.length > MAX_LISTED ? `${keys.slice(0, MAX_LISTED).join(', ')} and ${keys.length - MAX_LISTED} more` : keys.join(', ');

/**
 * Refuses a repository whose tracked files would set commands, endpoints or keys for aider,
 * unless the user trusts it; returns a warning when a tracked `.env` holds the app's own
 * settings (ignored: they never come from a repository).
 */
export const checkRepoTrust = (scan: RepoScan, options: { repo: string; trusted: boolean }): string | undefined => {
  if (!options.trusted && scan.findings.length > 0) {
    const where = scan.findings.map(({ file, keys }) => `${file}: ${listed(keys)}`).join('; ');
    throw new UserError(
      `${options.repo} configures aider in tracked files (${where}): a repository's files are data, never commands, endpoints or keys; pass --trust-repo if you trust it`,
    );
  }
  if (scan.appSettings.length === 0) return undefined;
  return `the tracked .env of ${options.repo} sets ${listed(scan.appSettings)}, ignored: the app's settings never come from a repository's files; set them in your environment, the config or an untracked .env`;
};
