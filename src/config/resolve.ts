import { defaultSettings, type Settings } from './settings.js';
import { validateSettings } from './validate.js';

export interface SettingsLayers {
  stored?: Partial<Settings>;
  env?: Partial<Settings>;
  flags?: Partial<Settings>;
}

const defined = (values: Partial<Settings> | undefined): Partial<Settings> =>
  Object.fromEntries(Object.entries(values ?? {}).filter(([, value]) => value !== undefined));

/** Defaults < stored config < environment < flags; an unset value never hides a lower layer. */
export const resolveSettings = (layers: SettingsLayers): Settings => {
  validateSettings(defined(layers.stored), { throwOnError: true, source: 'the stored configuration' });
  validateSettings(defined(layers.env), { throwOnError: true, source: 'the environment' });
  validateSettings(defined(layers.flags), { throwOnError: true, source: 'the command line' });
  return { ...defaultSettings(), ...defined(layers.stored), ...defined(layers.env), ...defined(layers.flags) };
};
