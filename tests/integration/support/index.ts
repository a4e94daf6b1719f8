export { startLiveApi, type LiveApi, type LiveApiOptions, type RunBody } from './live-api';
export { runtimeImage } from './runtime-image';
