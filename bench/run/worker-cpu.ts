/**
 * CPU used by the API's worker containers, from cgroup v1's `cpuacct.usage` (nanoseconds, every
 * process of the container: proxy, interpreters, the losers of races). Read before and after a batch;
 * only containers present at both reads count, and those that came or went are reported, since their
 * CPU is partly outside the window.
 */

import fs from 'node:fs';
import { readContainerCgroups } from './worker-cgroups';

export type CpuSnapshot = Map<string, number>;

export function workerCpuSnapshot(filters: string[]): Promise<CpuSnapshot> {
  return readContainerCgroups(filters, 'cpuacct', (directory) => Number(fs.readFileSync(`${directory}/cpuacct.usage`, 'utf8').trim()));
}

export interface CpuDelta {
  /** CPU milliseconds used by the containers present in both snapshots. */
  ms: number;
  /** Containers that appeared or disappeared during the window (respawned workers). */
  churn: number;
}

export function cpuDelta(before: CpuSnapshot, after: CpuSnapshot): CpuDelta {
  let ns = 0;
  let churn = 0;
  for (const [id, usage] of after) {
    const start = before.get(id);
    if (start === undefined) churn += 1;
    else ns += usage - start;
  }
  for (const id of before.keys()) if (!after.has(id)) churn += 1;
  return { ms: ns / 1e6, churn };
}
