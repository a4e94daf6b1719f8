export { encodeProxyRequest, CANCEL_LINE } from './proxy-request-encoder';
export { decodeProxyResult, MalformedProxyResult } from './proxy-result-decoder';
export { ProxyFrameReader } from './proxy-frame-reader';
export { PROXY_SOURCE_PATH } from './proxy-source';
export type { ProxyResult, RunLimits, RunStatus, SourceFile, WorkerRequest } from './proxy-types';
