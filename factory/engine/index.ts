export type {
  BuildImageOptions,
  BuildResult,
  CallOptions,
  EngineEvent,
  EngineImage,
  ImageEngine,
  PushResult,
  RegistryAuth,
  RemoveOutcome,
  StreamCallOptions,
} from './image-engine';
export { DockerodeEngine, engineError, eventError } from './dockerode-engine';
export type { DockerodeEngineOptions } from './dockerode-engine';
export { abortReason, timeoutError, withTimeout } from './with-timeout';
export type { TimeoutOptions } from './with-timeout';
export { formatImageReference, parseImageReference, repositoryOf } from './image-reference';
export type { ImageReference } from './image-reference';
export { packContext } from './build-context';
export type { ContextFile } from './build-context';
