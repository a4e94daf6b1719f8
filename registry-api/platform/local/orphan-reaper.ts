import type { ContainerEngine } from '../../../factory/engine';
import { processAlive } from '../../host';
import { INSTANCE_LABEL, KIND_LABEL, MANAGED_LABEL, OWNER_PID_LABEL, WORKER_KIND } from './worker-container-spec';

/**
 * Removes worker containers that a previous process of ours left behind (a crash, a kill -9): they
 * carry our labels, and their owner's pid is gone. Workers of another live process are left alone.
 */
export async function reapOrphanWorkers(engine: ContainerEngine, instanceId: string): Promise<number> {
  const workers = await engine.list({ [MANAGED_LABEL]: 'true', [KIND_LABEL]: WORKER_KIND });
  const orphans = workers.filter((c) => {
    if (c.labels[INSTANCE_LABEL] === instanceId) return false;
    const owner = Number(c.labels[OWNER_PID_LABEL]);
    return !processAlive(owner) || c.state !== 'running';
  });
  await Promise.all(orphans.map((c) => engine.destroy(c.id).catch(() => undefined)));
  return orphans.length;
}
