/**
 * The platform contract the executor races on, and the wait queue both platforms share. The two
 * implementations have their own indexes (`./local`, `./nuclio`) and are not re-exported here:
 * they import this contract, so re-exporting them would make a cycle.
 */
export { WorkerBusy, WorkerFailure } from './platform';
export type { CaseLimits, ProxyCaseResult, WorkerCase } from './platform';
export type { AcquireOptions, CapacityReport, Lease, Platform, PoolStats, ProxyResult, RunLimits, RunStatus, SourceFile, Worker, WorkerRequest } from './platform';
export type { RunStream, StdinFeed, StdinSink } from './run-stream';
export { BoundedWaitQueue, type BoundedWaitQueueOptions } from './bounded-wait-queue';
