import { describe, expect, it } from 'vitest';
import { settingsFromEnv } from '../../../src/config/env.js';
import { resolveSettings } from '../../../src/config/resolve.js';
import { openConfigStore } from '../../../src/config/store.js';
import { makeTempDir } from '../../support/gitRepo.js';

describe('the mouse setting', () => {
  it('is on by default; AIDER_ORCHESTRATOR_MOUSE=off leaves the mouse to the terminal', () => {
    expect(resolveSettings({}).mouse).toBe(true);
    expect(settingsFromEnv({ AIDER_ORCHESTRATOR_MOUSE: 'off' }).mouse).toBe(false);
    expect(settingsFromEnv({ AIDER_ORCHESTRATOR_MOUSE: 'ON' }).mouse).toBe(true);
    expect(settingsFromEnv({}).mouse).toBeUndefined();
    expect(() => settingsFromEnv({ AIDER_ORCHESTRATOR_MOUSE: 'maybe' })).toThrow(
      'AIDER_ORCHESTRATOR_MOUSE=maybe is neither on nor off; fix it in the environment or .env',
    );
  });

  it('is stored by the settings form as true or false, anything else refused', () => {
    const dir = makeTempDir('ao-config-');
    try {
      const store = openConfigStore({ AIDER_ORCHESTRATOR_CONFIG_DIR: dir.dir });
      expect(store.validate({ mouse: 'maybe' as unknown as boolean })).toEqual({ mouse: 'must be on or off' });
      store.write({ mouse: false });
      expect(openConfigStore({ AIDER_ORCHESTRATOR_CONFIG_DIR: dir.dir }).read()).toEqual({ mouse: false });
    } finally {
      dir.cleanup();
    }
  });
});
