/**
 * The cgroup v1 directories of running containers (Docker's cgroupfs driver:
 * `/sys/fs/cgroup/<controller>/docker/<id>`), read directly: a `docker stats` per sample would cost
 * seconds and a core's share of the machine the bench measures.
 */

import fs from 'node:fs';
import { docker } from './docker-cli';

const CGROUP_V1_ROOT = '/sys/fs/cgroup';

export type CgroupController = 'cpuacct' | 'memory';

export function cgroupV1Available(controller: CgroupController = 'cpuacct'): boolean {
  return fs.existsSync(`${CGROUP_V1_ROOT}/${controller}/docker`);
}

/**
 * One number per running container that `filters` select, read by `read` from the container's
 * directory of `controller`. A container that ended between the listing and the read is left out.
 */
export async function readContainerCgroups(
  filters: string[],
  controller: CgroupController,
  read: (directory: string) => number,
): Promise<Map<string, number>> {
  const { stdout } = await docker(['ps', '-q', '--no-trunc', ...filters]);
  const values = new Map<string, number>();
  for (const id of stdout.split('\n').filter(Boolean)) {
    try {
      values.set(id, read(`${CGROUP_V1_ROOT}/${controller}/docker/${id}`));
    } catch {
      // the container ended between the listing and the read: it is simply not in this reading
    }
  }
  return values;
}
