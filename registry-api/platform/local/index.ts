export { createLocalPlatform, LocalPlatform } from './local-platform';
export type { LocalPlatformOptions, PlatformLogger } from './local-platform';
export { LOCAL_PLATFORM_DEFAULTS, localPlatformSettings } from './local-platform-settings';
export type { LocalPlatformSettings } from './local-platform-settings';
// The engine the platform needs is the Docker client's container part (factory/engine).
export type { ContainerEngine, ManagedContainer, WorkerStreams } from '../../../factory/engine';
export { LocalWorker } from './local-worker';
export { CapacityBudget, CapacityScheduler, ImageDemand } from './scheduler';
export type { CapacityLimits, SchedulableWorker, SchedulerEvent, SchedulerOptions } from './scheduler';
export { SandboxUids, FIRST_SANDBOX_UID, SANDBOX_UID_COUNT } from './sandbox-uids';
export { reapOrphanWorkers } from './orphan-reaper';
export {
  DEFAULT_HARDENING,
  INSTANCE_LABEL,
  KIND_LABEL,
  MANAGED_LABEL,
  OWNER_PID_LABEL,
  SANDBOX_UID_LABEL,
  WORKER_KIND,
  workerContainerSpec,
  workerNameFor,
} from './worker-container-spec';
export type { WorkerHardening } from './worker-container-spec';
export {
  containerOf,
  currentOwner,
  HOST_PID_NAMESPACE,
  OWNER_CONTAINER_LABEL,
  OWNER_PID_NAMESPACE_LABEL,
  ownerLabels,
  ownerMayBeAlive,
} from './worker-owner';
export type { WorkerOwner } from './worker-owner';
