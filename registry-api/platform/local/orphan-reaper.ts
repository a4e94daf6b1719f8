import type { ContainerEngine } from '../../../factory/engine';
import { INSTANCE_LABEL, KIND_LABEL, MANAGED_LABEL, WORKER_KIND } from './worker-container-spec';
import { OWNER_CONTAINER_LABEL, ownerMayBeAlive, type WorkerOwner } from './worker-owner';

/**
 * Removes worker containers that a previous process of ours left behind (a crash, a kill -9): they
 * carry our labels, and their owner is provably gone (worker-owner.ts says how, across pid
 * namespaces and containers). Workers of another live process, or of one this process can't see,
 * are left alone.
 */
export async function reapOrphanWorkers(engine: ContainerEngine, me: WorkerOwner): Promise<number> {
  const workers = await engine.list({ [MANAGED_LABEL]: 'true', [KIND_LABEL]: WORKER_KIND });
  // the engine is asked for the owners' containers only when a worker names one
  const states = new Map<string, string>();
  if (workers.some((c) => c.labels[OWNER_CONTAINER_LABEL] !== undefined)) {
    for (const container of await engine.list({})) states.set(container.id, container.state);
  }
  const orphans = workers.filter((c) => {
    if (c.labels[INSTANCE_LABEL] === me.instanceId) return false;
    return c.state !== 'running' || !ownerMayBeAlive(c.labels, me, (id) => states.get(id));
  });
  await Promise.all(orphans.map((c) => engine.destroy(c.id).catch(() => undefined)));
  return orphans.length;
}
