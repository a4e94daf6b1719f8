export { parseRuntimeRequest, type RuntimeRequest } from './parse-runtime-request';
export { resolveRuntime } from './resolve-runtime';
