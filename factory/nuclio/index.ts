export {
  DEFAULT_FUNCTION_PREFIX,
  MAX_FUNCTION_NAME_LENGTH,
  NUCLIO_RESOURCE_PREFIX,
  functionNameForImage,
  functionNameForRuntime,
  imageNameOf,
  isFunctionName,
  toFunctionName,
  type ImageName,
} from './function-name';
export { IMAGE_KEY_LABEL, LIBRARIES_ANNOTATION, imageKeyHash, imageKeyMetadata, imageKeyOf } from './function-identity';
export {
  CONTENT_TAG_LABEL,
  DEFAULT_READINESS_TIMEOUT_SECONDS,
  IMAGE_LABEL,
  PART_OF,
  PART_OF_LABEL,
  PROCESSOR_OVERHEAD_BYTES,
  PROJECT_LABEL,
  RUNTIME_ID_ANNOTATION,
  FUNCTION_POD_USER,
  SERVED_IMAGE_ANNOTATION,
  SHELL_HANDLER,
  SKIP_BUILD_ANNOTATION,
  eventTimeoutMs,
  nuclioFunctionSpec,
  nuclioProjectSpec,
  requiredFunctionMemoryBytes,
  type NuclioFunctionOptions,
  type NuclioProjectOptions,
} from './nuclio-function-spec';
export {
  nuclioFunctionSchema,
  nuclioProjectSchema,
  validateNuclioFunction,
  validateNuclioProject,
} from './nuclio-function-schema';
export type {
  NuclioFunctionResource,
  NuclioFunctionSpec,
  NuclioHttpTrigger,
  NuclioPodSecurityContext,
  NuclioProjectResource,
  NuclioVolume,
} from './nuclio-function-types';
export {
  FUNCTION_SERVICE_ACCOUNT,
  NUCLIO_CONTAINER_NAME,
  processorContainerSecurityContext,
  processorDeploymentPatch,
  type ContainerSecurityContext,
  type ProcessorDeploymentPatch,
  type ProcessorDeploymentPatchOptions,
  type ProcessorPodSpecPatch,
} from './processor-container-security';
export { bytesToQuantity, msToDuration, quantityToBytes } from './quantity';
