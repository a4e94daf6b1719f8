/**
 * The API's view of the one configuration (config/): the API reads the whole object, under the name
 * its code has always used.
 */
export { coderingConfig, ConfigError, CONFIG_VARIABLES, DEFAULT_CONFIG, loadConfig, RACE_MODES } from '../../config';
export type {
  CoderingConfig as RegistryConfig,
  ConfigOverrides,
  HedgeConfig,
  LogLevel,
  NuclioConfig,
  PlatformName,
  RaceMode,
} from '../../config';
