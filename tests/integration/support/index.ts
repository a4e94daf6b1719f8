export { startLiveApi, type LiveApi, type LiveApiOptions, type RunBody } from './live-api';
export { apiImage, runtimeImage } from './runtime-image';
