/** Removal of the containers this bench process started, found by their labels (see bench-labels.ts). */

import { benchFilters } from './bench-labels';
import { docker } from './docker-cli';

/**
 * `docker rm -f` of the containers `filters` select. One the engine is already removing, or has
 * removed since the listing, is not an error: on Ctrl-C the API (in the same process group) removes
 * its workers while the bench does.
 */
export async function removeContainers(filters: string[]): Promise<number> {
  const { stdout } = await docker(['ps', '-aq', '--no-trunc', ...filters]);
  const ids = stdout.split('\n').filter(Boolean);
  if (ids.length === 0) return 0;
  try {
    await docker(['rm', '-f', ...ids], 60_000);
  } catch (error) {
    const refusals = String(error instanceof Error ? error.message : error).split('\n').filter((line) => line.startsWith('Error response from daemon'));
    if (refusals.length === 0 || !refusals.every((line) => /already in progress|No such container/.test(line))) throw error;
  }
  return ids.length;
}

/** Removes every container of this bench process, running or not; returns how many. */
export function removeBenchContainers(): Promise<number> {
  return removeContainers(benchFilters());
}

let serial = 0;

/** A unique container name, so that a hung `docker run` client can still be found and removed. */
export function benchContainerName(purpose: string): string {
  serial += 1;
  return `codering-bench-${process.pid}-${purpose}-${serial}`;
}
