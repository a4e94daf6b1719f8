/**
 * The API's view of the one configuration (config/): the API reads the whole object, as
 * `CoderingConfig` (not a name of its own: "registry" would say image registry).
 */
export { AUTH_MODES, coderingConfig, ConfigError, CONFIG_VARIABLES, DEFAULT_CONFIG, loadConfig, RACE_MODES } from '../../config';
export type {
  AuthMode,
  CoderingConfig,
  ConfigOverrides,
  HedgeConfig,
  LogLevel,
  NuclioConfig,
  PlatformName,
  PrebuildMode,
  RaceMode,
} from '../../config';
