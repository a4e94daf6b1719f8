/**
 * The configuration as text: one variable's effective value for the shell scripts (`codering config
 * get`), every variable as `NAME=value` lines, and the README's table, all from the one table.
 */

import type { CoderingConfig } from './codering-config';
import { getPointer } from './config-pointer';
import { CONFIG_VARIABLES, variableNamed, type ConfigVariable, type VariableValue } from './config-variables';
import { ConfigError } from './load-config';

/** A value as its variable would be written: lists with commas, flags as 0/1, unset as ''. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.join(',');
  if (typeof value === 'boolean') return value ? '1' : '0';
  return String(value);
}

/** The effective value of one variable; secrets are refused, scripts read those from the environment. */
export function configValue(config: Readonly<CoderingConfig>, name: string): string {
  const variable = variableNamed(name);
  if (variable === undefined) throw new ConfigError(`${name} is not a codering variable`, name);
  if (variable.secret) throw new ConfigError(`${name} is a secret: it is never printed`, name);
  return formatValue(getPointer(config, variable.pointer));
}

/** `NAME=value` for every variable, single-quoted for the shell; secrets are left out. */
export function configEnvLines(config: Readonly<CoderingConfig>): string[] {
  return CONFIG_VARIABLES.filter((variable) => !variable.secret).map(
    (variable) => `${variable.name}='${formatValue(getPointer(config, variable.pointer)).replace(/'/g, `'\\''`)}'`,
  );
}

function defaultCell(variable: ConfigVariable): string {
  if (variable.defaultText !== undefined) return variable.defaultText;
  const value: VariableValue = variable.default;
  return `\`${formatValue(value)}\``;
}

/** The README's configuration table (a unit test keeps README.md equal to it). */
export function configMarkdownTable(): string {
  const rows = CONFIG_VARIABLES.map((variable) => `| \`${variable.name}\` | ${defaultCell(variable)} | ${variable.meaning} |`);
  return ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n');
}
