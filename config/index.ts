/**
 * The one configuration of codering-x: the table of `CODERING_*` variables, its defaults, and the
 * loader the API, the factory, the CLI, the bench and infra all read.
 */
export { coderingConfig, ConfigError, loadConfig } from './load-config';
export type { ConfigOverrides } from './load-config';
export { DEFAULT_CONFIG } from './default-config';
export { CONFIG_VARIABLES, variableFor, variableNamed } from './config-variables';
export type { ConfigVariable, VariableKind, VariableValue } from './config-variables';
export { configEnvLines, configMarkdownTable, configValue, formatValue } from './config-text';
export type {
  BenchSettings,
  CoderingConfig,
  FactorySettings,
  HedgeConfig,
  LogLevel,
  NuclioConfig,
  PlatformName,
} from './codering-config';
export { AUTH_MODES, type AuthMode } from './auth-modes';
export { PREBUILD_MODES, type PrebuildMode } from './prebuild-modes';
export { RACE_MODES, type RaceMode } from './race-modes';
