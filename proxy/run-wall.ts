import type { WorkerRequest } from './proxy-types';

/**
 * What the proxy may spend between two test cases, beyond their own wall time: ending what a case
 * left, emptying the worker and proving it fresh, writing the box again (a few ms when honest).
 */
export const CASE_OVERHEAD_MS = 200;

/**
 * The wall time a request's run part may take by its own limits, compile apart: its run, or every
 * test case one after the other with the proxy's work between them. Deadlines that wait for a
 * worker's answer add the compile limit and their margin to it.
 */
export function runWallMs(request: Pick<WorkerRequest, 'limits' | 'cases'>): number {
  if (request.cases === undefined) return request.limits.wallMs;
  return request.cases.reduce((sum, testCase) => sum + testCase.limits.wallMs + CASE_OVERHEAD_MS, 0);
}
