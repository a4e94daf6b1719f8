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
export { NuclioDashboard, type DashboardFunction, type DashboardFunctionBody, type NuclioDashboardOptions } from './nuclio-dashboard';
export { NuclioFunctions, type FunctionRecord, type NuclioFunctionsOptions } from './nuclio-functions';
export { RegistryImageLocator, type FunctionImage, type FunctionImageLocator } from './function-image-locator';
export { NuclioImageSource, type FunctionDeploySettings, type NuclioImageSourceOptions } from './nuclio-image-source';
