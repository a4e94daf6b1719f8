export { startLiveApi, type LiveApi, type LiveApiOptions, type RunBody } from './live-api';
export { nuclioShellImage, runtimeImage, type NuclioShellImage } from './runtime-image';
export { HONEST, INSPECT, securityFixture, type HonestProgram, type HonestRuntime } from './honest-programs';
export { runLeased } from './run-leased';
