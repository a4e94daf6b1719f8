export { deployCodering, type CoderingStack } from './codering-stack';
export {
  DEFAULT_SETTINGS,
  readInfraConfig,
  type ApiSettings,
  type FunctionSettings,
  type InfraConfig,
  type InfraSettings,
  type LimitSettings,
  type NuclioSettings,
  type ImageRegistrySettings,
  type RuntimeImageSource,
} from './infra-config';
export { MANAGED_BY_LABEL, coderingLabels, selectorLabels } from './labels';
export { NUCLIO_CHART, NUCLIO_CHART_REPO, Nuclio, type NuclioArgs } from './nuclio';
export { PULL_SECRET_NAME, ImageRegistry, type ImageRegistryArgs } from './image-registry';
export { RegistryApi, type RegistryApiArgs } from './registry-api';
export { RuntimeFunctions, WAIT_FOR_READY, type RuntimeFunction, type RuntimeFunctionsArgs } from './runtime-functions';
export {
  RuntimeImages,
  repositoryFor,
  splitRuntimeId,
  type RuntimeImage,
  type RuntimeImagesArgs,
} from './runtime-images';
