import { Command } from 'commander';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { settingsFromFlags } from '../../../src/cli/flags.js';
import { registerRun, type RunFlags } from '../../../src/cli/commands/run.js';
import { settingsFromEnv } from '../../../src/config/env.js';
import { checkPrdModel, checkSupervisorModel } from '../../../src/config/providers.js';
import { resolveSettings } from '../../../src/config/resolve.js';
import { supervisorModelOf } from '../../../src/config/settings.js';
import { openConfigStore } from '../../../src/config/store.js';

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** The real command line, parsed by the real program; the run handler only records its flags. */
const parseRun = async (args: string[]): Promise<{ flags?: RunFlags; error?: string; help: string }> => {
  let flags: RunFlags | undefined;
  let output = '';
  const program = registerRun(new Command('aider-orchestrator'), { argv: [], exit: () => {} }, async (given) => {
    flags = given;
    return 0;
  })
    .exitOverride()
    .configureOutput({ writeOut: (text) => (output += text), writeErr: (text) => (output += text) });
  try {
    await program.parseAsync(['node', 'aider-orchestrator', ...args]);
  } catch (error) {
    return { error: (error as Error).message, help: output };
  }
  return { flags, help: output };
};

describe('the supervisor setting: on by default, with the PRD model', () => {
  it('is on, and calls the PRD model, when nothing sets it', () => {
    const settings = resolveSettings({ flags: { prdModel: 'openai/gpt-4.1' } });
    expect(settings.supervisor).toBe(true);
    expect(supervisorModelOf(settings)).toBe('openai/gpt-4.1');
  });

  it('takes its model from the stored config < AIDER_ORCHESTRATOR_SUPERVISOR_MODEL < --supervisor-model', async () => {
    const stored = { supervisorModel: 'anthropic/claude-haiku-4-5' };
    const env = settingsFromEnv({ AIDER_ORCHESTRATOR_SUPERVISOR_MODEL: ' openai/gpt-4.1-mini ' });
    expect(supervisorModelOf(resolveSettings({ stored }))).toBe('anthropic/claude-haiku-4-5');
    expect(supervisorModelOf(resolveSettings({ stored, env }))).toBe('openai/gpt-4.1-mini');
    const { flags } = await parseRun(['--supervisor-model', 'gemini/gemini-2.5-flash', '--change', 'x']);
    expect(supervisorModelOf(resolveSettings({ stored, env, flags: settingsFromFlags(flags!) }))).toBe('gemini/gemini-2.5-flash');
  });

  it('--no-supervisor turns it off; without the flag the stored setting stands', async () => {
    const off = await parseRun(['--no-supervisor', '--change', 'x']);
    expect(settingsFromFlags(off.flags!).supervisor).toBe(false);
    expect(resolveSettings({ stored: { supervisor: true }, flags: settingsFromFlags(off.flags!) }).supervisor).toBe(false);

    const absent = await parseRun(['--change', 'x']);
    expect(settingsFromFlags(absent.flags!).supervisor).toBeUndefined();
    expect(resolveSettings({ stored: { supervisor: false }, flags: settingsFromFlags(absent.flags!) }).supervisor).toBe(false);
  });

  it('refuses --supervisor-model together with --no-supervisor', async () => {
    const { error } = await parseRun(['--no-supervisor', '--supervisor-model', 'openai/gpt-4.1', '--change', 'x']);
    expect(error).toMatch(/--supervisor-model <model>' cannot be used with option '--no-supervisor'/);
  });

  it('shows both flags in --help', async () => {
    const { help } = await parseRun(['--help']);
    expect(help).toMatch(/--supervisor-model <model> +model that reads each/);
    expect(help).toMatch(/--no-supervisor +no supervisor: an agent is done/);
  });

  it('AIDER_ORCHESTRATOR_SUPERVISOR=off turns it off, on keeps it on; junk is refused with the variable named', () => {
    expect(settingsFromEnv({ AIDER_ORCHESTRATOR_SUPERVISOR: 'off' }).supervisor).toBe(false);
    expect(
      resolveSettings({ stored: { supervisor: false }, env: settingsFromEnv({ AIDER_ORCHESTRATOR_SUPERVISOR: 'on' }) }).supervisor,
    ).toBe(true);
    expect(settingsFromEnv({}).supervisor).toBeUndefined();
    expect(() => settingsFromEnv({ AIDER_ORCHESTRATOR_SUPERVISOR: 'maybe' })).toThrow(
      /AIDER_ORCHESTRATOR_SUPERVISOR=maybe is neither on nor off/,
    );
  });

  it('is stored as on/off and a model; anything else is refused with the field named', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ao-config-'));
    temps.push(dir);
    const store = openConfigStore({ AIDER_ORCHESTRATOR_CONFIG_DIR: dir });
    store.write({ supervisor: false, supervisorModel: 'openai/gpt-4.1-mini' });
    expect(openConfigStore({ AIDER_ORCHESTRATOR_CONFIG_DIR: dir }).read()).toEqual({
      supervisor: false,
      supervisorModel: 'openai/gpt-4.1-mini',
    });
    expect(store.validate({ supervisor: 'maybe' as unknown as boolean, supervisorModel: ' ' })).toEqual({
      supervisor: 'must be on or off',
      supervisorModel: 'must not be empty',
    });
    expect(() => resolveSettings({ stored: { supervisorModel: '' } })).toThrow(
      'supervisorModel must not be empty (from the stored configuration)',
    );
  });
});

describe("the supervisor's key, checked with the PRD model's", () => {
  const settings = (extra: Partial<Parameters<typeof checkSupervisorModel>[0]>) => ({
    supervisor: true,
    supervisorModel: undefined,
    prdModel: 'gemini-2.5-flash',
    geminiApiKey: 'AIza-test',
    ...extra,
  });

  it('names the variable of a missing key in one line, with the flag to choose another model', () => {
    expect(() => checkSupervisorModel(settings({ supervisorModel: 'anthropic/claude-haiku-4-5' }), {})).toThrow(
      "the supervisor model anthropic/claude-haiku-4-5 needs Anthropic's key: set ANTHROPIC_API_KEY in the environment or .env, or choose another model with --supervisor-model",
    );
    expect(() =>
      checkSupervisorModel(settings({ supervisorModel: 'anthropic/claude-haiku-4-5' }), { ANTHROPIC_API_KEY: 'k' }),
    ).not.toThrow();
  });

  it('asks for the Google key for a Gemini supervisor', () => {
    expect(() =>
      checkSupervisorModel(settings({ prdModel: 'openai/gpt-4.1', supervisorModel: 'flash', geminiApiKey: undefined }), {}),
    ).toThrow(
      /^no Google API key for the supervisor model flash: set GEMINI_API_KEY \(or GOOGLE_API_KEY\).*\(--supervisor-model openai\/gpt-4\.1/,
    );
  });

  it('refuses a model whose provider it cannot tell, naming --supervisor-model', () => {
    expect(() => checkSupervisorModel(settings({ supervisorModel: 'llama3' }), {})).toThrow(
      /^cannot tell which provider serves the supervisor model llama3: .*e\.g\. --supervisor-model openai\/llama3$/,
    );
  });

  it('checks nothing more when it uses the PRD model, or is off', () => {
    // The PRD model's own check covers it (here a key that check would want is missing on purpose).
    expect(() => checkSupervisorModel(settings({ prdModel: 'openai/gpt-4.1', supervisorModel: 'openai/gpt-4.1' }), {})).not.toThrow();
    expect(() => checkSupervisorModel(settings({ supervisor: false, supervisorModel: 'anthropic/claude-haiku-4-5' }), {})).not.toThrow();
  });

  it('lets --api-key through for a Gemini supervisor beside a PRD model of another provider', () => {
    const env = { OPENAI_API_KEY: 'sk-x' };
    const base = { prdModel: 'openai/gpt-4.1', geminiApiKey: 'AIza-flag' };
    expect(() => checkPrdModel({ ...base, supervisor: true, supervisorModel: 'gemini/gemini-2.5-flash' }, env, 'AIza-flag')).not.toThrow();
    expect(() => checkPrdModel({ ...base, supervisor: false, supervisorModel: 'gemini/gemini-2.5-flash' }, env, 'AIza-flag')).toThrow(
      /^--api-key is a Google key, and the PRD model openai\/gpt-4\.1 is OpenAI's/,
    );
  });
});
