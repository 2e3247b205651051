/**
 * Replaces secret values (API keys) with a fixed mask. Every file a run writes goes
 * through one of these, so a key that reaches an aider screen or an error message
 * never reaches disk.
 */
export class Redactor {
  private readonly secrets: string[];

  constructor(secrets: Iterable<string | undefined>) {
    // Longest first so a key that contains another is masked whole; very short
    // values are not secrets (and would mangle ordinary text).
    this.secrets = [...new Set([...secrets].filter((s): s is string => !!s && s.length >= 8))].sort(
      (a, b) => b.length - a.length,
    );
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join('***');
    return out;
  }
}

/** Environment variables whose values are secrets. */
export const secretValuesFromEnv = (env: NodeJS.ProcessEnv): string[] =>
  Object.entries(env)
    .filter(([name]) => /(_API_KEY|_TOKEN|_SECRET)$/.test(name))
    .map(([, value]) => value ?? '')
    .filter(Boolean);
