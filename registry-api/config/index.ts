export { loadConfig, ConfigError } from './load-config';
export type { ConfigOverrides } from './load-config';
export { DEFAULT_CONFIG } from './default-config';
export { ENV_VARIABLES } from './env-variables';
export type { RegistryConfig, PlatformName, HedgeConfig, NuclioConfig, LogLevel } from './registry-config';
export { RACE_MODES, type RaceMode } from './race-modes';
