/**
 * Memory the API's worker containers use now, counted as `docker stats` counts it on cgroup v1: the
 * cgroup's usage minus its inactive file cache (which the kernel reclaims first). A worker's tmpfs
 * is in the usage: it is memory a program's files really hold.
 */

import fs from 'node:fs';
import { readContainerCgroups } from './worker-cgroups';

export interface WorkerMemory {
  containers: number;
  bytes: number;
}

function memoryInUse(directory: string): number {
  const usage = Number(fs.readFileSync(`${directory}/memory.usage_in_bytes`, 'utf8').trim());
  const inactive = /^total_inactive_file (\d+)$/m.exec(fs.readFileSync(`${directory}/memory.stat`, 'utf8'));
  return Math.max(0, usage - Number(inactive?.[1] ?? 0));
}

export async function workerMemory(filters: string[]): Promise<WorkerMemory> {
  const usage = await readContainerCgroups(filters, 'memory', memoryInUse);
  let bytes = 0;
  for (const value of usage.values()) bytes += value;
  return { containers: usage.size, bytes };
}
