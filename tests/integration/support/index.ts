export { startLiveApi, type LiveApi, type LiveApiOptions, type RunBody } from './live-api';
export { apiImage, nuclioShellImage, runtimeImage, type NuclioShellImage } from './runtime-image';
export { HONEST, INSPECT, securityFixture, type HonestProgram, type HonestRuntime } from './honest-programs';
export {
  expectOutcome,
  FAILING_PROGRAMS,
  FLOOD_OUTPUT_BYTES,
  LOOP_WALL_MS,
  MEMORY_BOMBS,
  memoryBombCase,
  OUTPUT_FLOODS,
  outputFloodCase,
  statusCases,
  type FailingPrograms,
  type RunOutcome,
  type StatusCase,
} from './status-cases';
export {
  ATTACK_LIMITS,
  attacksFor,
  SANDBOX_ATTACKS,
  type AttackPlatform,
  type AttackPlatformName,
  type SandboxAttack,
} from './sandbox-attacks';
export { runLeased } from './run-leased';
export { openRunSocket, postEventStream, type Arrival, type EventStreamRun, type SocketRun } from './streamed-run';
