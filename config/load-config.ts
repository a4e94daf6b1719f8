/**
 * Reads the configuration once: the table's defaults, then `CODERING_*` variables, then overrides
 * (tests, embedding), checked against the schema and frozen. A bad value, or a `CODERING_*` name the
 * table does not know (a typo that would otherwise be silently ignored), stops start-up with a
 * message naming the variable: a service that starts half-configured fails later and less clearly.
 */

import Ajv from 'ajv';
import type { CoderingConfig } from './codering-config';
import { coderingConfigSchema } from './config-schema';
import { setPointer } from './config-pointer';
import { CONFIG_VARIABLES, NOT_CONFIGURATION_PREFIXES, variableFor, variableNamed, type ConfigVariable } from './config-variables';
import { DEFAULT_CONFIG } from './default-config';

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
  [K in keyof CoderingConfig]?: CoderingConfig[K] extends object
    ? CoderingConfig[K] extends unknown[]
      ? CoderingConfig[K]
      : Partial<CoderingConfig[K]>
    : CoderingConfig[K];
};

const ajv = new Ajv({ allErrors: false, strict: true });
const validate = ajv.compile(coderingConfigSchema);

export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  overrides: ConfigOverrides = {},
): Readonly<CoderingConfig> {
  refuseUnknownVariables(env);
  const config = structuredClone(DEFAULT_CONFIG) as unknown as Record<string, unknown>;
  for (const variable of CONFIG_VARIABLES) {
    const text = env[variable.name];
    if (text === undefined || text.trim() === '') continue;
    setPointer(config, variable.pointer, parseValue(variable, text.trim()));
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
    const variable = variableFor(pointer);
    const where = variable === undefined ? `configuration ${pointer || '(root)'}` : `${variable.name} (${pointer})`;
    // ajv's enum message names no value: say which ones are allowed, so the fix is in the message.
    const allowed = error?.keyword === 'enum' ? `: ${(error.params as { allowedValues: unknown[] }).allowedValues.join(', ')}` : '';
    throw new ConfigError(`${where} ${error?.message ?? 'is invalid'}${allowed}`, variable?.name ?? pointer);
  }
  checkDefaultsWithinMaxima(config);
  return deepFreeze(config);
}

let current: Readonly<CoderingConfig> | undefined;

/** The process's configuration, read from its environment on first use and the same ever after. */
export function coderingConfig(): Readonly<CoderingConfig> {
  current ??= loadConfig();
  return current;
}

function refuseUnknownVariables(env: Record<string, string | undefined>): void {
  for (const name of Object.keys(env).sort()) {
    if (!name.startsWith('CODERING_') || variableNamed(name) !== undefined) continue;
    if (NOT_CONFIGURATION_PREFIXES.some((prefix) => name.startsWith(prefix))) continue;
    throw new ConfigError(`${name} is not a codering variable (see README.md, Configuration)`, name);
  }
}

function parseValue(variable: ConfigVariable, text: string): unknown {
  switch (variable.kind) {
    case 'integer':
      if (!/^\d+$/.test(text)) {
        throw new ConfigError(`${variable.name}="${text}" must be a non-negative integer`, variable.name);
      }
      return Number(text);
    case 'flag':
      if (text !== '0' && text !== '1') throw new ConfigError(`${variable.name}="${text}" must be 0 or 1`, variable.name);
      return text === '1';
    case 'list':
      return text
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
    case 'string':
      return text;
  }
}

/** A default limit above its maximum would make every request that omits it fail: refuse to start. */
function checkDefaultsWithinMaxima(config: CoderingConfig): void {
  for (const [field, value] of Object.entries(config.defaultLimits)) {
    const maximum = config.maxLimits[field as keyof CoderingConfig['maxLimits']];
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
