export { encodeProxyRequest, CANCEL_LINE } from './proxy-request-encoder';
export { encodeStdinFrame, STDIN_EOF_LINE } from './proxy-stdin-frames';
export { decodeProxyFrame, decodeProxyResult, MalformedProxyResult } from './proxy-result-decoder';
export { ProxyFrameReader } from './proxy-frame-reader';
export { CASE_OVERHEAD_MS, runWallMs } from './run-wall';
export type { CaseLimits, ProxyCaseResult, WorkerCase } from './proxy-types';
export { PROXY_SOURCE_DIR, readProxySources } from './proxy-source';
export type { ProxySourceFile } from './proxy-source';
export { OUTPUT_PHASES, RUN_STATUSES } from './proxy-types';
export type {
  OutputPhase,
  OutputStream,
  ProxyFrame,
  ProxyResult,
  RunLimits,
  RunStatus,
  SourceFile,
  StreamingOptions,
  WorkerRequest,
  WorkerStateFrame,
} from './proxy-types';
