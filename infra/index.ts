export { deployCodering, type CoderingStack } from './codering-stack';
export {
  DEFAULT_SETTINGS,
  readInfraConfig,
  API_REPOSITORY,
  maxReplicasOf,
  type ApiSettings,
  type FunctionSettings,
  type ImageBuildSource,
  type InfraConfig,
  type InfraSettings,
  type LimitSettings,
  type NuclioSettings,
  type ImageRegistrySettings,
  type RuntimeImageSource,
} from './infra-config';
export { MANAGED_BY_LABEL, coderingLabels, selectorLabels } from './labels';
export {
  NUCLIO_CHART,
  NUCLIO_CHART_REPO,
  NUCLIO_DASHBOARD_POD_LABELS,
  NUCLIO_DASHBOARD_PORT,
  NUCLIO_FUNCTION_POD_LABELS,
  NUCLIO_FUNCTION_PORT,
  Nuclio,
  type NuclioArgs,
} from './nuclio';
export { DashboardAuth, VERIFIED_USER, VERIFIER_SOURCE, type DashboardAuthArgs } from './dashboard-auth';
export { FunctionIsolation, podsIn, type FunctionIsolationArgs } from './function-isolation';
export { pushImage, type ImagePushTarget, type PushedImage, type PushedImageSource } from './pushed-image';
export { restrictedContainer, restrictedPod } from './pod-security';
export { PULL_SECRET_NAME, ImageRegistry, type ImageRegistryArgs } from './image-registry';
export { RegistryApi, type RegistryApiArgs } from './registry-api';
export {
  REDEPLOY_ANNOTATION,
  RuntimeFunctions,
  WAIT_FOR_READY,
  type RuntimeFunction,
  type RuntimeFunctionsArgs,
} from './runtime-functions';
export {
  RuntimeImages,
  splitRuntimeId,
  type RuntimeImage,
  type RuntimeImagesArgs,
} from './runtime-images';
