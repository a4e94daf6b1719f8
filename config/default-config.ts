/** Every variable's default from the table (config-variables.ts), as one configuration object. */

import type { CoderingConfig } from './codering-config';
import { setPointer } from './config-pointer';
import { CONFIG_VARIABLES } from './config-variables';

function defaults(): CoderingConfig {
  const config: Record<string, unknown> = {};
  for (const variable of CONFIG_VARIABLES) setPointer(config, variable.pointer, structuredClone(variable.default));
  return config as unknown as CoderingConfig;
}

export const DEFAULT_CONFIG: Readonly<CoderingConfig> = defaults();
