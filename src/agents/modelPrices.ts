import fs from 'node:fs';
import path from 'node:path';
import type { ModelUsage } from '../llm/client.js';
import { aiderPython } from './aiderModels.js';

/** USD per token, as litellm lists it. */
export interface ModelPrice {
  input: number;
  output: number;
}

type PriceTable = Record<string, { input_cost_per_token?: unknown; output_cost_per_token?: unknown } | undefined>;

/**
 * litellm's price list in the Python environment an aider executable runs with (aider prices its
 * own calls with it): the environment of the Python its script names (aiderPython).
 */
export const priceListOf = (aiderBin: string): string | undefined => {
  const python = aiderPython(aiderBin);
  if (!python) return undefined;
  const lib = path.join(path.dirname(path.dirname(python)), 'lib');
  let pythons: string[];
  try {
    pythons = fs.readdirSync(lib).filter((name) => name.startsWith('python3'));
  } catch {
    return undefined;
  }
  for (const version of pythons) {
    const file = path.join(lib, version, 'site-packages', 'litellm', 'model_prices_and_context_window_backup.json');
    if (fs.existsSync(file)) return file;
  }
  return undefined;
};

const tables = new Map<string, PriceTable | undefined>();

const readTable = (file: string): PriceTable | undefined => {
  if (!tables.has(file)) {
    try {
      tables.set(file, JSON.parse(fs.readFileSync(file, 'utf8')) as PriceTable);
    } catch {
      tables.set(file, undefined);
    }
  }
  return tables.get(file);
};

/**
 * A model's price from litellm's list next to `aiderBin` (the supervisor and judge calls are the
 * app's, not aider's, so aider does not count them): the name as given (`gemini/gemini-2.5-flash`),
 * else without its provider (`openai/gpt-4o` → `gpt-4o`). Undefined when unknown (cost 0).
 */
export const modelPrice = (aiderBin: string, model: string): ModelPrice | undefined => {
  const file = priceListOf(aiderBin);
  const table = file ? readTable(file) : undefined;
  if (!table) return undefined;
  for (const name of [model, model.slice(model.indexOf('/') + 1)]) {
    const entry = table[name];
    if (typeof entry?.input_cost_per_token === 'number' && typeof entry.output_cost_per_token === 'number') {
      return { input: entry.input_cost_per_token, output: entry.output_cost_per_token };
    }
  }
  return undefined;
};

/** What `usage` cost at `price` (0 without a price). */
export const costOf = (price: ModelPrice | undefined, usage: ModelUsage): number =>
  price ? usage.prompt * price.input + usage.completion * price.output : 0;
