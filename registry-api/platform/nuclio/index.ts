export { NuclioPlatform } from './nuclio-platform';
export {
  nuclioPlatformOptionsFromConfig,
  resolveNuclioPlatformOptions,
  type NuclioPlatformOptions,
} from './nuclio-platform-options';
export {
  DEFAULT_FUNCTION_URL_TEMPLATE,
  dashboardEndpoint,
  serviceEndpoint,
  type FunctionEndpoint,
  type FunctionTarget,
} from './function-endpoint';
export { FunctionSlots, type FunctionSlotsOptions } from './function-slots';
export { NuclioWorker, type NuclioWorkerOptions } from './nuclio-worker';
