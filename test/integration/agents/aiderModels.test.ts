import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { expect, it, onTestFinished } from 'vitest';
import { aiderPython, checkAgentModel, readModelFacts } from '../../../src/agents/aiderModels.js';
import { aiderBin, describeWithAider } from '../../support/aider.js';
import { makeTempDir } from '../../support/gitRepo.js';

// Each name costs one start of aider's Python (about half a second): a few of each kind.
const NAMES = [
  'sonnet',
  'anthropic/claude-sonnet-4-5',
  'vertex_ai/gemini-2.5-pro',
  'gpt-4oo',
  'anthropic/claude-sonet-4',
  'foo/bar',
  'openai/my-model',
];

/**
 * What aider itself concludes at run time, with litellm imported (seconds of CPU): its alias,
 * whether its model info manager has the model (the cache it would download replaced by the
 * local map, offline), and whether litellm can route the provider.
 */
const ORACLE = `
import json, sys
from aider import models
from aider.llm import litellm
import os
models.register_litellm_models([os.path.join(os.path.dirname(models.__file__), "resources", "model-metadata.json")])
manager = models.model_info_manager
manager._cache_loaded = True
manager.content = dict(litellm.model_cost)
out = {}
for name in sys.argv[1:]:
    resolved = models.MODEL_ALIASES.get(name, name)
    try:
        litellm.get_llm_provider(resolved)
        routable = True
    except Exception:
        routable = False
    out[name] = {"known": bool(manager.get_model_info(resolved)), "routable": routable}
print(json.dumps(out))
`;

describeWithAider(`aider's model list, read offline`, () => {
  const bin = aiderBin();
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, LITELLM_LOCAL_MODEL_COST_MAP: 'True' };

  it('agrees with what aider and litellm conclude with litellm loaded', async () => {
    const python = aiderPython(bin);
    expect(python).toBeDefined();
    const oracle = JSON.parse(
      String((await execa(python!, ['-c', ORACLE, ...NAMES], { env, extendEnv: false, cwd: os.tmpdir() })).stdout)
        .trim()
        .split('\n')
        .pop()!,
    ) as Record<string, { known: boolean; routable: boolean }>;
    for (const name of NAMES) {
      const facts = await readModelFacts({ bin, model: name, env });
      expect(facts, name).toBeDefined();
      expect(facts!.known, `${name} known`).toBe(oracle[name]!.known);
      // A prefixed name routes exactly when its provider is known; a bare name aider does not know cannot route at all.
      if (facts!.provider) expect(facts!.providerKnown, `${name} provider`).toBe(oracle[name]!.routable);
      else if (!facts!.known) expect(oracle[name]!.routable, `${name} routable`).toBe(false);
    }
    expect(NAMES.map((name) => oracle[name]!.known)).toEqual([true, true, true, false, false, false, false]);
  }, 120_000);

  it('refuses an unknown model, and remembers a known one per aider executable', async () => {
    const data = makeTempDir('ao-data-');
    onTestFinished(data.cleanup);
    const unknown = await checkAgentModel({ bin, model: 'gpt-4oo', env, dataDir: data.dir, aiderArgs: [] });
    expect(unknown?.message).toMatch(/^aider does not know the agent model gpt-4oo \(not in its model list; close: gpt-4o/);
    expect(await checkAgentModel({ bin, model: 'sonnet', env, dataDir: data.dir, aiderArgs: [] })).toBeUndefined();
    const cache = JSON.parse(fs.readFileSync(path.join(data.dir, 'aider-models.json'), 'utf8')) as Record<string, true>;
    expect(Object.keys(cache)).toHaveLength(1);
    expect(Object.keys(cache)[0]).toMatch(/\|sonnet\|$/);
  }, 120_000);

  it('reports nothing when it cannot tell: a Python that cannot read aider behind the script', async () => {
    const data = makeTempDir('ao-data-');
    onTestFinished(data.cleanup);
    const python = path.join(data.dir, 'python3');
    fs.writeFileSync(python, '#!/bin/sh\necho "ModuleNotFoundError: No module named aider" >&2\nexit 1\n', { mode: 0o755 });
    const script = path.join(data.dir, 'aider');
    fs.writeFileSync(script, `#!${python}\nfrom aider.main import main\n`, { mode: 0o755 });
    expect(await readModelFacts({ bin: script, model: 'gpt-4oo', env })).toBeUndefined();
    expect(await checkAgentModel({ bin: script, model: 'gpt-4oo', env, dataDir: data.dir, aiderArgs: [] })).toBeUndefined();
  });

  it('takes a model the user registered in a metadata file given to aider', async () => {
    const data = makeTempDir('ao-data-');
    onTestFinished(data.cleanup);
    const metadata = path.join(data.dir, 'models.json');
    fs.writeFileSync(
      metadata,
      JSON.stringify({ 'anthropic/claude-next': { max_input_tokens: 200000, litellm_provider: 'anthropic', mode: 'chat' } }),
    );
    expect(await checkAgentModel({ bin, model: 'anthropic/claude-next', env, dataDir: data.dir, aiderArgs: [] })).toBeDefined();
    expect(
      await checkAgentModel({
        bin,
        model: 'anthropic/claude-next',
        env,
        dataDir: data.dir,
        aiderArgs: ['--model-metadata-file', metadata],
      }),
    ).toBeUndefined();
  }, 120_000);
});
