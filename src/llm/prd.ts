import fs from 'node:fs/promises';
import path from 'node:path';
import { PRD_ROLE } from '../config/providers.js';
import { UserError } from '../errors.js';
import type { LlmClient } from './client.js';
import { prdPrompt, PRD_SYSTEM_INSTRUCTION } from './prompts.js';
import { DEFAULT_RETRY_POLICY, withRetry, type RetryPolicy } from './retry.js';

export interface GeneratePrdOptions {
  /** The PRD model, in aider's notation. */
  model: string;
  change: string;
  repoContext: string;
  feedback?: string | undefined;
  previousPrd?: string | undefined;
  signal?: AbortSignal | undefined;
  /** Each piece of text as it streams in. */
  onChunk(text: string): void;
  /** A retry starts the stream over: drop the text shown so far. */
  onRetry?(attempt: number, delayMs: number, reason: string): void;
  retry?: Partial<RetryPolicy>;
}

/** Streams the PRD; returns the full text of the attempt that finished. */
export const generatePrd = async (client: LlmClient, options: GeneratePrdOptions): Promise<string> => {
  const provider = client.providerName(options.model);
  const request = {
    model: options.model,
    role: PRD_ROLE,
    system: PRD_SYSTEM_INSTRUCTION,
    prompt: prdPrompt(options),
    signal: options.signal,
  };
  return withRetry(
    async () => {
      const { text, finishReason } = await client.streamText(request, options.onChunk);
      if (!text.trim()) {
        throw new UserError(
          `${provider} returned an empty PRD (finish reason ${finishReason ?? 'none'}): rephrase the change request or try another --prd-model`,
        );
      }
      return text;
    },
    { ...DEFAULT_RETRY_POLICY, ...options.retry, label: provider, onRetry: options.onRetry, signal: options.signal },
  );
};

const SLUG_MAX = 50;

/** Lowercase ASCII words joined by dashes; never empty, never a path. */
export const slugify = (text: string): string => {
  const ascii = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // accents: "é" → "e"
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const cut = ascii.slice(0, SLUG_MAX).replace(/-+$/, '');
  return cut || 'change';
};

const pad = (n: number): string => String(n).padStart(2, '0');

/** `<YYYYMMDD-HHMMSS>-<slug>.md`, in local time (the user reads these names). */
export const prdFileName = (change: string, date: Date): string => {
  const stamp =
    `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}` +
    `-${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`;
  return `${stamp}-${slugify(change)}.md`;
};

/** Writes the PRD under `<root>/<prdDir>/`; never overwrites (adds -2, -3...). Returns the absolute path. */
export const savePrd = async (root: string, prdDir: string, change: string, text: string, date: Date): Promise<string> => {
  const dir = path.resolve(root, prdDir);
  await fs.mkdir(dir, { recursive: true });
  const name = prdFileName(change, date);
  const content = text.endsWith('\n') ? text : `${text}\n`;
  for (let n = 1; ; n++) {
    const file = path.join(dir, n === 1 ? name : name.replace(/\.md$/, `-${n}.md`));
    try {
      await fs.writeFile(file, content, { flag: 'wx' });
      return file;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
};
