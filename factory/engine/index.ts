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
export type { ContainerEngine, ManagedContainer, WorkerStreams } from './container-engine';
export { createDockerClient, DockerClient } from './docker-client';
export type { DockerClientOptions } from './docker-client';
export { ImageClient } from './image-client';
export { ContainerClient } from './container-client';
export { EngineDeadlines } from './engine-deadlines';
export type { EngineDeadlineSettings } from './engine-deadlines';
export { engineError, eventError } from './engine-error';
export { abortReason, timeoutError, withTimeout } from './with-timeout';
export type { TimeoutOptions } from './with-timeout';
export { formatImageReference, parseImageReference, repositoryOf } from './image-reference';
export type { ImageReference } from './image-reference';
export { contextIgnores, packContext, readContextTree } from './build-context';
export type { ContextFile, ContextTreeOptions } from './build-context';
