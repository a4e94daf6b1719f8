/**
 * Reads the configuration once: defaults, then `CODERING_*` variables, then overrides (tests), checked
 * against the schema and frozen. A bad value stops start-up with a message naming the variable, because
 * a service that starts with a half-understood configuration fails later and less clearly.
 */

import Ajv from 'ajv';
import { registryConfigSchema } from './config-schema';
import { DEFAULT_CONFIG } from './default-config';
import { ENV_VARIABLES, variableFor, type EnvVariable } from './env-variables';
import type { RegistryConfig } from './registry-config';

export class ConfigError extends Error {
  constructor(
    message: string,
    /** The variable (or field, for overrides) at fault. */
    readonly variable: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

export type ConfigOverrides = {
  [K in keyof RegistryConfig]?: RegistryConfig[K] extends object
    ? RegistryConfig[K] extends unknown[]
      ? RegistryConfig[K]
      : Partial<RegistryConfig[K]>
    : RegistryConfig[K];
};

const ajv = new Ajv({ allErrors: false, strict: true });
const validate = ajv.compile(registryConfigSchema);

export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  overrides: ConfigOverrides = {},
): Readonly<RegistryConfig> {
  const config = structuredClone(DEFAULT_CONFIG) as unknown as Record<string, unknown>;
  const fromEnv = new Set<string>();
  for (const variable of ENV_VARIABLES) {
    const text = env[variable.name];
    if (text === undefined || text.trim() === '') continue;
    setPointer(config, variable.pointer, parseValue(variable, text.trim()));
    fromEnv.add(variable.pointer);
  }
  for (const [key, value] of Object.entries(overrides)) {
    const current = config[key];
    config[key] =
      value !== null && typeof value === 'object' && !Array.isArray(value) && typeof current === 'object'
        ? { ...(current as object), ...value }
        : value;
  }

  if (!validate(config)) {
    const error = validate.errors?.[0];
    const pointer = error?.instancePath ?? '';
    throw new ConfigError(
      `${describe(pointer, fromEnv)} ${error?.message ?? 'is invalid'}`,
      variableFor(pointer)?.name ?? pointer,
    );
  }
  checkDefaultsWithinMaxima(config);
  return deepFreeze(config);
}

function parseValue(variable: EnvVariable, text: string): unknown {
  switch (variable.kind) {
    case 'integer':
      if (!/^\d+$/.test(text)) {
        throw new ConfigError(`${variable.name}="${text}" must be a non-negative integer`, variable.name);
      }
      return Number(text);
    case 'list':
      return text
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
    case 'string':
      return text;
  }
}

function setPointer(target: Record<string, unknown>, pointer: string, value: unknown): void {
  const keys = pointer.split('/').slice(1);
  let node = target;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[keys[keys.length - 1] as string] = value;
}

function describe(pointer: string, fromEnv: Set<string>): string {
  const variable = variableFor(pointer);
  if (variable !== undefined && fromEnv.has(variable.pointer)) return `${variable.name} (${pointer})`;
  return variable === undefined ? `configuration ${pointer || '(root)'}` : `${variable.name} (${pointer})`;
}

/** A default limit above its maximum would make every request that omits it fail: refuse to start. */
function checkDefaultsWithinMaxima(config: RegistryConfig): void {
  for (const [field, value] of Object.entries(config.defaultLimits)) {
    const maximum = config.maxLimits[field as keyof RegistryConfig['maxLimits']];
    if (value > maximum) {
      const variable = variableFor(`/defaultLimits/${field}`)?.name ?? field;
      const maxVariable = variableFor(`/maxLimits/${field}`)?.name ?? field;
      throw new ConfigError(`${variable}=${value} is above ${maxVariable}=${maximum}`, variable);
    }
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
