/** Removal of the containers this bench process started, found by their labels (see bench-labels.ts). */

import { benchFilters } from './bench-labels';
import { docker } from './docker-cli';

/** Removes every container of this bench process, running or not; returns how many. */
export async function removeBenchContainers(): Promise<number> {
  const { stdout } = await docker(['ps', '-aq', '--no-trunc', ...benchFilters()]);
  const ids = stdout.split('\n').filter(Boolean);
  if (ids.length > 0) await docker(['rm', '-f', ...ids], 60_000);
  return ids.length;
}

let serial = 0;

/** A unique container name, so that a hung `docker run` client can still be found and removed. */
export function benchContainerName(purpose: string): string {
  serial += 1;
  return `codering-bench-${process.pid}-${purpose}-${serial}`;
}
