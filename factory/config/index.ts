/**
 * The factory's settings: its part of the one configuration (config/), with what depends on the
 * machine worked out. A folder of its own so that the factory's folders reach it through an index
 * without going through factory/index.ts, which re-exports them (a cycle).
 */
export {
  factoryConfig,
  factoryConfigOf,
  loadFactoryConfig,
  readBuildCertificates,
  REPOSITORY_ROOT,
} from './factory-config';
export type { FactoryConfig } from './factory-config';
