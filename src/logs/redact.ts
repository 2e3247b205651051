/** What a masked secret becomes. */
export const MASK = '***';

/**
 * Shapes of well-known API keys, masked even when their value was never given to the app
 * (a check command that prints another service's key, a key pasted into the change text).
 */
const KEY_SHAPES: readonly RegExp[] = [
  /\bsk-[A-Za-z0-9_-]{20,}/g, // OpenAI, Anthropic (sk-ant-), OpenRouter (sk-or-), DeepSeek
  /\bAIza[0-9A-Za-z_-]{30,}/g, // Google
  /\bgh[pousr]_[A-Za-z0-9]{30,}/g, // GitHub tokens
  /\bgithub_pat_[A-Za-z0-9_]{30,}/g,
  /\bgsk_[A-Za-z0-9]{30,}/g, // Groq
  /\bxai-[A-Za-z0-9]{30,}/g, // xAI
  /\bhf_[A-Za-z0-9]{30,}/g, // Hugging Face
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/g, // Slack
  /\bAKIA[0-9A-Z]{16}\b/g, // AWS access key id
];

/** How each key shape begins: a stream holds back a trailing word that may grow into one. */
const KEY_SHAPE_STARTS: readonly string[] = [
  'sk-',
  'AIza',
  'ghp_',
  'gho_',
  'ghu_',
  'ghs_',
  'ghr_',
  'github_pat_',
  'gsk_',
  'xai-',
  'hf_',
  'xox',
  'AKIA',
];

/** Values shorter than this are not treated as secrets: they would mangle ordinary text. */
const MIN_SECRET_LENGTH = 8;

/**
 * The one masking step between the app and everything it writes or shows: files (logs,
 * summary, the message files aider reads and so aider's chat history and the model), the
 * run history, headless output. Known secret values are replaced by MASK, longest first so a
 * key that contains another is masked whole, and so are well-known key shapes.
 */
export class Redactor {
  private readonly secrets: string[];

  constructor(secrets: Iterable<string | undefined>) {
    this.secrets = [...new Set([...secrets].filter((s): s is string => !!s && s.length >= MIN_SECRET_LENGTH))].sort(
      (a, b) => b.length - a.length,
    );
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) if (out.includes(secret)) out = out.split(secret).join(MASK);
    for (const shape of KEY_SHAPES) out = out.replace(shape, MASK);
    return out;
  }

  /**
   * Where the end of `text` may be the beginning of a secret that the next chunk completes: the
   * index from which a stream holds text back (text.length when nothing needs holding).
   */
  heldFrom(text: string): number {
    let from = text.length;
    for (const secret of this.secrets) {
      for (let length = Math.min(secret.length - 1, text.length); length > 0; length -= 1) {
        if (text.endsWith(secret.slice(0, length))) {
          from = Math.min(from, text.length - length);
          break;
        }
      }
    }
    const word = /[A-Za-z0-9_-]+$/.exec(text);
    if (word && KEY_SHAPE_STARTS.some((start) => word[0].startsWith(start) || start.startsWith(word[0]))) {
      from = Math.min(from, word.index);
    }
    return from;
  }
}

/**
 * Masks a stream (a pty's output on its way to the pane's terminal) whose chunks may split a
 * secret: a tail that could begin one is held until the next chunk, or `holdMs` of quiet.
 */
export class StreamRedactor {
  private held = '';
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redactor: Redactor,
    private readonly emit: (text: string) => void,
    private readonly holdMs = 100,
  ) {}

  write(chunk: string): void {
    this.clearTimer();
    const text = this.held + chunk;
    const from = this.redactor.heldFrom(text);
    this.held = text.slice(from);
    if (from > 0) this.emit(this.redactor.redact(text.slice(0, from)));
    if (this.held) this.timer = setTimeout(() => this.flush(), this.holdMs);
  }

  /** Emits what is held (the stream paused or ended). */
  flush(): void {
    this.clearTimer();
    const text = this.held;
    this.held = '';
    if (text) this.emit(this.redactor.redact(text));
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/**
 * Whether an environment variable's name says its value is a secret: `OPENAI_API_KEY`,
 * `GITHUB_TOKEN`, `AWS_SECRET_ACCESS_KEY`, `DB_PASSWORD`, ... (`MONKEY` and `PWD` are not).
 */
export const isSecretName = (name: string): boolean =>
  /(^|_)(KEY|TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|CREDENTIALS?|AUTH)$/i.test(name) || /(^|_)SECRET(_|$)/i.test(name);

/** Environment variables whose values are secrets. */
export const secretValuesFromEnv = (env: NodeJS.ProcessEnv): string[] =>
  Object.entries(env)
    .filter(([name]) => isSecretName(name))
    .map(([, value]) => value ?? '')
    .filter(Boolean);

/** An aider option whose value is a secret: `--openai-api-key`, `--anthropic-api-key`, `--api-key`. */
const SECRET_OPTION = /^--[\w-]*(key|token|secret|password)$/i;

/**
 * Secret values in aider arguments: `--openai-api-key X`, `--anthropic-api-key=X`,
 * `--api-key openai=X` (X, and `openai=X` whole), `--set-env OPENAI_API_KEY=X`.
 */
export const secretValuesFromArgs = (args: readonly string[]): string[] => {
  const values: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    const eq = arg.indexOf('=');
    const option = eq === -1 ? arg : arg.slice(0, eq);
    const value = eq === -1 ? args[i + 1] : arg.slice(eq + 1);
    if (value === undefined) continue;
    if (SECRET_OPTION.test(option)) {
      values.push(value);
      // `--api-key provider=KEY`
      const inner = value.indexOf('=');
      if (inner !== -1) values.push(value.slice(inner + 1));
    } else if (option === '--set-env') {
      const inner = value.indexOf('=');
      if (inner !== -1 && isSecretName(value.slice(0, inner))) values.push(value.slice(inner + 1));
    }
  }
  return values;
};

/**
 * Aider arguments without those whose secret was masked when they were stored (resume): a
 * masked key would reach aider as `***`. Returns the options dropped, to tell the user.
 */
export const withoutMaskedArgs = (args: readonly string[]): { args: string[]; dropped: string[] } => {
  const kept: string[] = [];
  const dropped: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    const next = args[i + 1];
    if (arg.startsWith('--') && !arg.includes('=') && next?.includes(MASK)) {
      dropped.push(arg);
      i += 1;
    } else if (arg.includes(MASK)) {
      dropped.push(arg.startsWith('--') ? arg.split('=')[0]! : arg);
    } else {
      kept.push(arg);
    }
  }
  return { args: kept, dropped };
};
