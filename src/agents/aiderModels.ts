import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { UserError } from '../errors.js';
import { executableKey, expectedAiderBin, locateAider, type LocatedAider } from './aiderBinary.js';
import { makePrivateDir } from '../logs/privateFiles.js';

/**
 * What aider's own model list says of one model name, read offline from its install: litellm's
 * bundled price map (what LITELLM_LOCAL_MODEL_COST_MAP=True makes aider use), aider's own
 * metadata and model settings, and the metadata files the user gives aider.
 */
export interface ModelFacts {
  /** The name after aider's aliases (`sonnet` → `claude-sonnet-4-5`). */
  resolved: string;
  /** Aider knows the model (it has its context size and prices). */
  known: boolean;
  /** The resolved name's `provider/` part, if any. */
  provider: string | null;
  /** Whether litellm can route that provider; null when its provider list could not be read. */
  providerKnown: boolean | null;
  /** Up to three close names aider knows (for a typo). */
  suggestions: string[];
}

/**
 * Run by aider's own Python. It reads aider's and litellm's files instead of importing them:
 * importing litellm costs about 4 s of CPU here and `aider.models` 0.5 s; this, under 0.1 s.
 * A file it cannot read makes it exit non-zero: the model is then not checked.
 * Output: ModelFacts as JSON.
 */
const FACTS_SCRIPT = `
import sys
sys.path = [p for p in sys.path if p]  # never import from the working folder
import ast, difflib, importlib.util, json, os, re

def package_dir(name):
    return os.path.dirname(importlib.util.find_spec(name).origin)

def read(*parts):
    with open(os.path.join(*parts), encoding="utf-8") as f:
        return f.read()

def json5(text):
    # Aider's metadata files are JSON with // comment lines and trailing commas (it reads them with json5, 0.6 s).
    try:
        return json.loads(re.sub(r",(\\s*[}\\]])", r"\\1", re.sub(r"(?m)^\\s*//.*$", "", text)))
    except ValueError:
        import json5
        return json5.loads(text)

aider_dir, litellm_dir = package_dir("aider"), package_dir("litellm")
# aider/models.py: MODEL_ALIASES = {...}, a literal.
aliases = ast.literal_eval(re.search(r"(?ms)^MODEL_ALIASES = (\\{.*?^\\})", read(aider_dir, "models.py")).group(1))
settings = {name.strip("\\"'").lower() for name in re.findall(r"(?m)^- name: *(\\S+)", read(aider_dir, "resources", "model-settings.yml"))}

name = sys.argv[1]
resolved = aliases.get(name, name)
entries = {}

def load(data):
    for key, info in data.items():
        if isinstance(info, dict) and key != "sample_spec":
            entries[key.lower()] = info

load(json.loads(read(litellm_dir, "model_prices_and_context_window_backup.json")))
load(json5(read(aider_dir, "resources", "model-metadata.json")))
for file in sys.argv[2:]:
    try:
        load(json5(read(file)))
    except (OSError, ValueError):
        pass

names = set(entries) | settings
low = resolved.lower()
provider = low.split("/", 1)[0] if "/" in low else None

def in_map(model):
    if model in names:
        return True
    parts = model.split("/", 1)
    if len(parts) < 2:
        return False
    info = entries.get(parts[1])
    owner = str(info.get("litellm_provider", "")) if info else ""
    return owner == parts[0] or owner.startswith(parts[0] + "-")

# litellm's provider list: its LlmProviders enum and its JSON-configured providers.
providers = set()
try:
    enum = re.search(r"(?ms)^class LlmProviders\\(.*?:\\n(.*?)^\\S", read(litellm_dir, "types", "utils.py")).group(1)
    providers.update(re.findall(r'(?m)^\\s+\\w+ = "([^"]+)"', enum))
    providers.update(json.loads(read(litellm_dir, "llms", "openai_like", "providers.json")))
except (AttributeError, OSError, ValueError):
    pass
listed = bool(providers)
providers.update(str(info.get("litellm_provider", "")) for info in entries.values())

known = in_map(low)
chat = set()
if not known:
    for key, info in entries.items():
        if info.get("mode") == "chat" and info.get("litellm_provider"):
            chat.add(key)
            chat.add(key if key.startswith(info["litellm_provider"] + "/") else info["litellm_provider"] + "/" + key)

print(json.dumps({
    "resolved": resolved,
    "known": known,
    "provider": provider,
    "providerKnown": True if not provider or provider in providers else (False if listed else None),
    "suggestions": [] if known else difflib.get_close_matches(low, sorted(chat), n=3, cutoff=0.8),
}))
`;

/** The Python that runs an aider script, read from its first lines; undefined for anything else. */
export const aiderPython = (bin: string): string | undefined => {
  let head: string;
  try {
    const fd = fs.openSync(bin, 'r');
    try {
      const buffer = Buffer.alloc(512);
      head = buffer.subarray(0, fs.readSync(fd, buffer, 0, buffer.length, 0)).toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
  }
  // pip writes `#!/bin/sh` + `'''exec' "/venv/bin/python" "$0" "$@"` when the path is long or has spaces.
  const exec = /^'''exec' "([^"]+)"/m.exec(head);
  if (exec?.[1]) return exec[1];
  const shebang = /^#!\s*(\S+)(?:[ \t]+(\S+))?/.exec(head);
  if (!shebang?.[1]) return undefined;
  const [interpreter, argument] = [shebang[1], shebang[2]];
  if (/python[\d.]*$/.test(path.basename(interpreter))) return interpreter;
  if (path.basename(interpreter) === 'env' && argument && /^python[\d.]*$/.test(argument)) return argument;
  return undefined;
};

/** Model metadata files aider reads besides its own: the user's in HOME, and any given with --model-metadata-file. */
const metadataFiles = (env: NodeJS.ProcessEnv, aiderArgs: readonly string[]): string[] => {
  const files = env.HOME ? [path.join(env.HOME, '.aider.model.metadata.json')] : [];
  aiderArgs.forEach((arg, index) => {
    if (arg === '--model-metadata-file' && aiderArgs[index + 1]) files.push(path.resolve(aiderArgs[index + 1]!));
    else if (arg.startsWith('--model-metadata-file=')) files.push(path.resolve(arg.slice('--model-metadata-file='.length)));
  });
  return files.filter((file) => fs.existsSync(file));
};

/** Asks aider's Python about `model`; undefined when it cannot tell (not a Python script, an import fails, ...). */
export const readModelFacts = async (options: {
  bin: string;
  model: string;
  env: NodeJS.ProcessEnv;
  metadataFiles?: readonly string[];
  signal?: AbortSignal | undefined;
}): Promise<ModelFacts | undefined> => {
  const python = aiderPython(options.bin);
  if (!python) return undefined;
  const result = await execa(python, ['-c', FACTS_SCRIPT, options.model, ...(options.metadataFiles ?? [])], {
    cwd: os.tmpdir(),
    env: options.env,
    extendEnv: false,
    reject: false,
    timeout: 60_000,
    cancelSignal: options.signal,
  });
  if (result.failed) return undefined;
  try {
    return JSON.parse(String(result.stdout).trim().split('\n').pop() ?? '') as ModelFacts;
  } catch {
    return undefined;
  }
};

/**
 * Providers whose model names are the user's own (local servers, deployments, endpoints) or
 * whose catalogue aider looks up online (OpenRouter): any name may be right, so none is refused.
 */
const OPEN_NAME_PROVIDERS = new Set([
  'azure',
  'azure_ai',
  'bedrock',
  'custom_openai',
  'docker_model_runner',
  'hosted_vllm',
  'huggingface',
  'litellm_proxy',
  'llamafile',
  'lm_studio',
  'ollama',
  'ollama_chat',
  'oobabooga',
  'openai_like',
  'openrouter',
  'sagemaker',
  'sagemaker_chat',
  'vllm',
  'xinference',
]);

/** How to see the names aider knows: its own fuzzy search. */
const listHint = (model: string) => `\`aider --list-models ${model.includes('/') ? `${model.split('/')[0]}/` : model}\``;

/**
 * `<PROVIDER>_API_BASE` (or `_BASE_URL`, which litellm reads for Anthropic) set by the user.
 * OPENAI_BASE_URL does not count: aider never gets it (agents/aiderArgs.ts).
 */
const endpointOverridden = (provider: string, env: NodeJS.ProcessEnv): boolean => {
  const name = provider.toUpperCase();
  return Boolean(env[`${name}_API_BASE`]?.trim() || (name !== 'OPENAI' && env[`${name}_BASE_URL`]?.trim()));
};

/**
 * The agent model as aider will meet it, or the one-line error that every agent would fail
 * with after the PRD is paid for: a provider litellm cannot route, or a name aider does not know.
 */
export const modelProblem = (model: string, facts: ModelFacts, env: NodeJS.ProcessEnv): UserError | undefined => {
  const provider = facts.provider;
  if (provider && facts.providerKnown === false) {
    return new UserError(
      `the agent model ${model} names the provider "${provider}", which aider (litellm) does not know: see \`aider --list-models ${model.split('/').slice(1).join('/') || model}\` for valid names, and pass one with --model`,
    );
  }
  if (facts.known) return undefined;
  // A provider moved to a server of the user's (a gateway, a self-hosted OpenAI- or
  // Anthropic-compatible server) serves whatever names it likes.
  if (provider && endpointOverridden(provider, env)) return undefined;
  if (provider && OPEN_NAME_PROVIDERS.has(provider)) return undefined;
  const alias = facts.resolved !== model ? ` (${facts.resolved})` : '';
  const close = facts.suggestions.length > 0 ? `; close: ${facts.suggestions.join(', ')}` : '';
  return new UserError(
    `aider does not know the agent model ${model}${alias} (not in its model list${close}): see ${listHint(facts.resolved)} for valid names and pass one with --model, or register a newer model in ~/.aider.model.metadata.json`,
  );
};

/** Known verdicts, per aider executable and model: later starts skip the Python. */
const cacheFile = (dataDir: string) => path.join(dataDir, 'aider-models.json');

const readCache = (dataDir: string): Record<string, true> => {
  try {
    return JSON.parse(fs.readFileSync(cacheFile(dataDir), 'utf8')) as Record<string, true>;
  } catch {
    return {};
  }
};

/**
 * Checks the agents' model against aider's own list, offline, before anything is spent.
 * Resolves with the error to report (or undefined); a model aider knows is remembered per
 * aider executable. When the model cannot be checked (aider is not a Python script, the user's
 * aider arguments choose the model themselves), nothing is reported.
 */
export const checkAgentModel = async (options: {
  bin: string;
  model: string;
  env: NodeJS.ProcessEnv;
  dataDir: string;
  aiderArgs: readonly string[];
  signal?: AbortSignal | undefined;
}): Promise<UserError | undefined> => {
  const { model, env, aiderArgs } = options;
  if (aiderArgs.some((arg) => arg === '--model' || arg.startsWith('--model='))) return undefined;
  const prefix = /^([a-z0-9_]+)\//.exec(model)?.[1];
  if (prefix && endpointOverridden(prefix, env)) return undefined;
  const extra = metadataFiles(env, aiderArgs);
  const executable = executableKey(options.bin);
  const key = executable && `${executable}|${model}|${extra.map((file) => `${file}:${fs.statSync(file).mtimeMs}`).join(',')}`;
  const cache = readCache(options.dataDir);
  if (key && cache[key]) return undefined;
  const facts = await readModelFacts({ bin: options.bin, model, env, metadataFiles: extra, signal: options.signal });
  if (!facts) return undefined;
  const problem = modelProblem(model, facts, env);
  if (!problem && key) {
    try {
      makePrivateDir(options.dataDir);
      fs.writeFileSync(cacheFile(options.dataDir), JSON.stringify({ ...cache, [key]: true }, null, 2));
    } catch {
      // a cache only: the next start asks again
    }
  }
  return problem;
};

/**
 * Finds aider (locateAider) and checks the agent model against its model list, side by side:
 * the model check starts on the aider that is tried first, while its version is checked, so it
 * adds no wall time. Throws the first problem found (aider's own first).
 */
export const locateAiderForModel = async (options: {
  aiderBin: string | undefined;
  dataDir: string;
  env: NodeJS.ProcessEnv;
  model: string;
  aiderArgs: readonly string[];
  signal?: AbortSignal | undefined;
}): Promise<LocatedAider> => {
  const { dataDir, env, model, aiderArgs } = options;
  // When aider is not usable, its model check's Python is stopped rather than left to hold the exit.
  const failed = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, failed.signal]) : failed.signal;
  const checkModel = (bin: string) => checkAgentModel({ bin, model, env, dataDir, aiderArgs, signal });
  const expected = expectedAiderBin(options);
  const early = expected ? checkModel(expected) : Promise.resolve(undefined);
  let aider: LocatedAider;
  try {
    aider = await locateAider(options);
  } catch (error) {
    failed.abort();
    throw error;
  }
  const problem = aider.bin === expected ? await early : await checkModel(aider.bin);
  if (problem) throw problem;
  return aider;
};
