import { describe, expect, it, vi } from 'vitest';
import {
  isSecretName,
  MASK,
  Redactor,
  StreamRedactor,
  secretValuesFromArgs,
  secretValuesFromEnv,
  withoutMaskedArgs,
} from '../../../src/logs/redact.js';

describe('the redactor', () => {
  it('masks every known secret value, the longest first', () => {
    const redactor = new Redactor(['secret-value-1', 'secret-value-1-longer', undefined, 'short']);
    expect(redactor.redact('a secret-value-1-longer and a secret-value-1, twice: secret-value-1')).toBe('a *** and a ***, twice: ***');
    // Values under 8 characters are no secrets: they would mangle ordinary text.
    expect(redactor.redact('short text')).toBe('short text');
  });

  it('masks well-known key shapes it was never told about', () => {
    const redactor = new Redactor([]);
    expect(redactor.redact('OPENAI=sk-proj-AbCdEfGhIjKlMnOpQrStUvWx1234')).toBe(`OPENAI=${MASK}`);
    expect(redactor.redact('key AIzaSyA1234567890abcdefghijklmnopqrstu end')).toBe(`key ${MASK} end`);
    expect(redactor.redact('ghp_0123456789abcdefghijklmnopqrstuvwxyz')).toBe(MASK);
    expect(redactor.redact('AKIAABCDEFGHIJKLMNOP')).toBe(MASK);
    // Ordinary words that start alike are left alone.
    expect(redactor.redact('sk-learn, ask-me, AIza, task-runner')).toBe('sk-learn, ask-me, AIza, task-runner');
  });
});

describe('the stream redactor (a pty on its way to a pane)', () => {
  const SECRET = 'local-secret-value-42';
  const KEY = 'sk-proj-AbCdEfGhIjKlMnOpQrStUvWx1234';

  /** Feeds the chunks, flushes at the end, and returns what was emitted, chunk by chunk. */
  const stream = (chunks: string[]) => {
    const out: string[] = [];
    const redactor = new StreamRedactor(new Redactor([SECRET]), (text) => out.push(text), 60_000);
    for (const chunk of chunks) redactor.write(chunk);
    const beforeFlush = out.join('');
    redactor.flush();
    return { beforeFlush, all: out.join('') };
  };

  it('masks a known secret split over chunks at every position', () => {
    const text = `key=${SECRET}; done\r\n`;
    for (let cut = 1; cut < text.length; cut += 1) {
      expect(stream([text.slice(0, cut), text.slice(cut)]).all).toBe('key=***; done\r\n');
    }
  });

  it('masks a key shape split over chunks at every position', () => {
    const text = `OPENAI=${KEY}\r\n`;
    for (let cut = 1; cut < text.length; cut += 1) {
      expect(stream([text.slice(0, cut), text.slice(cut)]).all).toBe(`OPENAI=${MASK}\r\n`);
    }
  });

  it('passes ordinary output through at once, holding back only what may begin a secret', () => {
    expect(stream(['\x1b[32mall tests passed\x1b[0m\r\n> ']).beforeFlush).toBe('\x1b[32mall tests passed\x1b[0m\r\n> ');
    // "loc" may begin the secret, "s" a key: held until the next chunk or the quiet timeout.
    expect(stream(['prompt loc']).beforeFlush).toBe('prompt ');
    expect(stream(['prompt loc']).all).toBe('prompt loc');
    expect(stream(['use s']).beforeFlush).toBe('use ');
  });

  it('emits what it holds once the stream is quiet', async () => {
    const out: string[] = [];
    const redactor = new StreamRedactor(new Redactor([SECRET]), (text) => out.push(text), 20);
    redactor.write('> loc');
    expect(out.join('')).toBe('> ');
    await vi.waitFor(() => expect(out.join('')).toBe('> loc'));
  });
});

describe('where secrets come from', () => {
  it('takes the values of variables named like keys, tokens, secrets and passwords', () => {
    const env = {
      OPENAI_API_KEY: 'sk-openai-value',
      GITHUB_TOKEN: 'gh-token-value',
      AWS_SECRET_ACCESS_KEY: 'aws-secret-value',
      DB_PASSWORD: 'db-password-value',
      MONKEY: 'not-a-secret-value',
      PWD: '/home/user/project',
      OPENAI_API_BASE: 'http://127.0.0.1:8000/v1',
    };
    expect(secretValuesFromEnv(env).sort()).toEqual(['aws-secret-value', 'db-password-value', 'gh-token-value', 'sk-openai-value']);
    expect(isSecretName('SSH_AUTH_SOCK')).toBe(false);
    expect(isSecretName('CLIENT_SECRET_ID')).toBe(true);
  });

  it('takes the keys among aider arguments, in each of their spellings', () => {
    const args = [
      '--openai-api-key',
      'openai-key-value',
      '--anthropic-api-key=anthropic-key-value',
      '--api-key',
      'gemini=gemini-key-value',
      '--set-env',
      'MISTRAL_API_KEY=mistral-key-value',
      '--set-env',
      'SOME_SETTING=not-secret-value',
      '--edit-format',
      'diff',
    ];
    expect(secretValuesFromArgs(args).sort()).toEqual(
      ['anthropic-key-value', 'gemini-key-value', 'gemini=gemini-key-value', 'mistral-key-value', 'openai-key-value'].sort(),
    );
    const redactor = new Redactor(secretValuesFromArgs(args));
    expect(redactor.redact(JSON.stringify({ aiderArgs: args }))).not.toMatch(
      /openai-key-value|anthropic-key-value|gemini-key-value|mistral-key-value/,
    );
  });

  it('drops stored aider arguments whose secret was masked, and names them', () => {
    expect(
      withoutMaskedArgs(['--openai-api-key', MASK, '--anthropic-api-key=***', '--api-key', 'openai=***', '--edit-format', 'diff']),
    ).toEqual({
      args: ['--edit-format', 'diff'],
      dropped: ['--openai-api-key', '--anthropic-api-key', '--api-key'],
    });
  });
});
