import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { costOf, modelPrice, priceListOf } from '../../../src/agents/modelPrices.js';
import { makeTempDir } from '../../support/gitRepo.js';

/** A virtualenv laid out as pip makes it: bin/aider naming its Python, and litellm's price list under lib/python3.x. */
const fakeVenv = (prices: unknown): string => {
  const dir = makeTempDir('ao-venv-');
  onTestFinished(dir.cleanup);
  const bin = path.join(dir.dir, 'venv', 'bin', 'aider');
  fs.mkdirSync(path.dirname(bin), { recursive: true });
  // pip's script names the virtualenv's Python in its first line.
  fs.writeFileSync(bin, `#!${path.join(dir.dir, 'venv', 'bin', 'python')}\nfrom aider.main import main\n`, { mode: 0o755 });
  const list = path.join(dir.dir, 'venv', 'lib', 'python3.11', 'site-packages', 'litellm', 'model_prices_and_context_window_backup.json');
  fs.mkdirSync(path.dirname(list), { recursive: true });
  fs.writeFileSync(list, typeof prices === 'string' ? prices : JSON.stringify(prices));
  // A link on PATH (as pipx makes) leads to the same list.
  const link = path.join(dir.dir, 'aider-link');
  fs.symlinkSync(bin, link);
  return link;
};

describe("the supervisor's price, from litellm's list in aider's virtualenv", () => {
  it('finds a model by its full name, else without its provider, and prices a call', () => {
    const bin = fakeVenv({
      'gemini/gemini-2.5-flash': { input_cost_per_token: 3e-7, output_cost_per_token: 2.5e-6 },
      'gpt-4o': { input_cost_per_token: 2.5e-6, output_cost_per_token: 1e-5 },
      'broken-model': { input_cost_per_token: 'free' },
    });
    expect(priceListOf(bin)).toMatch(/litellm\/model_prices_and_context_window_backup\.json$/);
    expect(modelPrice(bin, 'gemini/gemini-2.5-flash')).toEqual({ input: 3e-7, output: 2.5e-6 });
    const gpt = modelPrice(bin, 'openai/gpt-4o');
    expect(gpt).toEqual({ input: 2.5e-6, output: 1e-5 });
    expect(costOf(gpt, { prompt: 1000, completion: 100, total: 1100 })).toBeCloseTo(0.0035, 10);
    expect(modelPrice(bin, 'openai/unknown-model')).toBeUndefined();
    expect(modelPrice(bin, 'broken-model')).toBeUndefined();
    expect(costOf(undefined, { prompt: 1000, completion: 100, total: 1100 })).toBe(0);
  });

  it('prices nothing when the list is missing or not JSON', () => {
    expect(modelPrice('/nonexistent/bin/aider', 'gpt-4o')).toBeUndefined();
    expect(modelPrice(fakeVenv('{ not json'), 'gpt-4o')).toBeUndefined();
  });
});
