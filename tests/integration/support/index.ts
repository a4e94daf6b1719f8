export { startLiveApi, type LiveApi, type RunBody } from './live-api';
export { runtimeImage } from './runtime-image';
