export {
  DEFAULT_FUNCTION_PREFIX,
  MAX_FUNCTION_NAME_LENGTH,
  NUCLIO_RESOURCE_PREFIX,
  functionNameForImage,
  functionNameForRuntime,
  isFunctionName,
  toFunctionName,
} from './function-name';
export {
  PART_OF,
  PART_OF_LABEL,
  PROCESSOR_OVERHEAD_BYTES,
  PROJECT_LABEL,
  RUNTIME_ID_ANNOTATION,
  SHELL_HANDLER,
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
  NUCLIO_CONTAINER_NAME,
  PROXY_CAPABILITIES,
  processorContainerSecurityContext,
  processorDeploymentPatch,
  type ContainerSecurityContext,
  type ProcessorDeploymentPatch,
} from './processor-container-security';
export { bytesToQuantity, msToDuration, quantityToBytes } from './quantity';
