/**
 * Which workers a process may reap, when API processes run on the host and in containers side by
 * side. The case that made this necessary: an API in a container judged the host's workers by their
 * owners' pids, found none of those pids in its own namespace, and would have removed them all.
 */
import type { ContainerEngine, ManagedContainer } from '../../../factory/engine';
import {
  containerOf,
  currentOwner,
  HOST_PID_NAMESPACE,
  INSTANCE_LABEL,
  KIND_LABEL,
  MANAGED_LABEL,
  OWNER_CONTAINER_LABEL,
  OWNER_PID_LABEL,
  OWNER_PID_NAMESPACE_LABEL,
  ownerLabels,
  ownerMayBeAlive,
  reapOrphanWorkers,
  WORKER_KIND,
  type WorkerOwner,
} from '../../../registry-api/platform/local';

const CONTAINER_A = 'a'.repeat(64);
const CONTAINER_B = 'b'.repeat(64);
const NAMESPACE_A = 'pid:[4026532868]';
const NAMESPACE_A_RESTARTED = 'pid:[4026532999]';
/** A pid no process has (pid_max is at most 2^22). */
const DEAD_PID = 2 ** 22 + 1;

const onHost: WorkerOwner = { instanceId: 'host', pid: process.pid, pidNamespace: HOST_PID_NAMESPACE, container: null };
const inContainerA: WorkerOwner = { instanceId: 'in-a', pid: 7, pidNamespace: NAMESPACE_A, container: CONTAINER_A };

function labelsOf(owner: WorkerOwner): Record<string, string> {
  return ownerLabels(owner);
}

/** Labels of a worker made before the namespace and container labels existed (a host process's). */
function legacy(pid: number): Record<string, string> {
  return { [INSTANCE_LABEL]: 'old', [OWNER_PID_LABEL]: String(pid) };
}

const noContainers = (): string | undefined => undefined;

describe('the owner a worker names', () => {
  it('is this process on the host: pid and the host pid namespace, no container', () => {
    const owner = currentOwner('x');
    expect(owner.pid).toBe(process.pid);
    expect(owner.pidNamespace).toBe(HOST_PID_NAMESPACE);
    expect(owner.container).toBeNull();
    expect(ownerLabels(owner)).toEqual({ [INSTANCE_LABEL]: 'x', [OWNER_PID_LABEL]: String(process.pid), [OWNER_PID_NAMESPACE_LABEL]: HOST_PID_NAMESPACE });
  });

  it('names its container from the files the engine mounts into it, not from the host shm mounts', () => {
    const inside = [
      `494 477 254:0 /var/lib/docker/containers/${CONTAINER_A}/resolv.conf /etc/resolv.conf rw,relatime - ext4 /dev/vda rw`,
      `495 477 254:0 /var/lib/docker/containers/${CONTAINER_A}/hostname /etc/hostname rw,relatime - ext4 /dev/vda rw`,
    ].join('\n');
    const podman = `90 80 0:44 /overlay-containers/${CONTAINER_B}/userdata/hostname /etc/hostname rw - tmpfs tmpfs rw`;
    const host = `300 29 0:60 / /var/lib/docker/containers/${CONTAINER_A}/mounts/shm rw - tmpfs shm rw,size=65536k`;
    expect(containerOf(inside)).toBe(CONTAINER_A);
    expect(containerOf(podman)).toBe(CONTAINER_B);
    expect(containerOf(host)).toBeNull();
    expect(containerOf('')).toBeNull();
  });
});

describe('an owner may be alive', () => {
  it('on the host: a pid of the host is judged by the host, as before', () => {
    expect(ownerMayBeAlive(legacy(process.pid), onHost, noContainers)).toBe(true);
    expect(ownerMayBeAlive(legacy(DEAD_PID), onHost, noContainers)).toBe(false);
    expect(ownerMayBeAlive({ ...labelsOf(onHost), [INSTANCE_LABEL]: 'other', [OWNER_PID_LABEL]: String(DEAD_PID) }, onHost, noContainers)).toBe(false);
  });

  it('in a container: the host workers are never judged by pids it cannot see', () => {
    expect(ownerMayBeAlive(legacy(DEAD_PID), inContainerA, noContainers)).toBe(true);
    expect(ownerMayBeAlive({ ...labelsOf(onHost), [OWNER_PID_LABEL]: String(DEAD_PID) }, inContainerA, noContainers)).toBe(true);
  });

  it("from the host: a container's workers live as long as their owner's container runs", () => {
    const ofA = labelsOf(inContainerA);
    expect(ownerMayBeAlive(ofA, onHost, (id) => (id === CONTAINER_A ? 'running' : undefined))).toBe(true);
    expect(ownerMayBeAlive(ofA, onHost, (id) => (id === CONTAINER_A ? 'exited' : undefined))).toBe(false);
    expect(ownerMayBeAlive(ofA, onHost, noContainers)).toBe(false);
  });

  it('in another namespace and no container named: left alone', () => {
    const unseen: Record<string, string> = { ...labelsOf({ ...inContainerA, container: null }), [OWNER_PID_LABEL]: String(DEAD_PID) };
    expect(unseen[OWNER_CONTAINER_LABEL]).toBeUndefined();
    expect(ownerMayBeAlive(unseen, onHost, noContainers)).toBe(true);
  });

  it('in my own container: the same namespace is judged by pid; an older namespace is a restart, gone', () => {
    const sibling = { ...labelsOf(inContainerA), [INSTANCE_LABEL]: 'sibling' };
    const restarted: WorkerOwner = { ...inContainerA, instanceId: 'after-restart', pidNamespace: NAMESPACE_A_RESTARTED };
    expect(ownerMayBeAlive({ ...sibling, [OWNER_PID_LABEL]: String(process.pid) }, { ...inContainerA, pid: process.pid }, noContainers)).toBe(true);
    expect(ownerMayBeAlive({ ...sibling, [OWNER_PID_LABEL]: String(DEAD_PID) }, inContainerA, noContainers)).toBe(false);
    expect(ownerMayBeAlive(sibling, restarted, () => 'running')).toBe(false);
  });
});

describe('reapOrphanWorkers', () => {
  function engineWith(workers: ManagedContainer[], others: ManagedContainer[] = []): ContainerEngine & { destroyed: string[] } {
    const destroyed: string[] = [];
    return {
      destroyed,
      ping: async () => undefined,
      imageExists: async () => true,
      startAttached: async () => {
        throw new Error('not used');
      },
      destroy: async (id: string) => {
        destroyed.push(id);
      },
      list: async (labels: Record<string, string>) =>
        Object.keys(labels).length === 0 ? [...workers, ...others] : workers.filter((w) => w.labels[KIND_LABEL] === labels[KIND_LABEL]),
    };
  }
  const worker = (id: string, labels: Record<string, string>, state = 'running'): ManagedContainer => ({
    id,
    state,
    labels: { ...labels, [MANAGED_LABEL]: 'true', [KIND_LABEL]: WORKER_KIND },
  });

  it('an API in a container reaps only what it can prove dead, never the host processes\' workers', async () => {
    const engine = engineWith(
      [
        worker('host-live', legacy(process.pid)),
        worker('host-unseen', legacy(DEAD_PID)),
        worker('of-exited-b', { ...labelsOf({ ...inContainerA, container: CONTAINER_B }), [INSTANCE_LABEL]: 'b' }),
        worker('stopped', legacy(process.pid), 'exited'),
        worker('mine', labelsOf(inContainerA)),
      ],
      [{ id: CONTAINER_B, labels: {}, state: 'exited' }],
    );
    expect(await reapOrphanWorkers(engine, inContainerA)).toBe(2);
    expect(engine.destroyed.sort()).toEqual(['of-exited-b', 'stopped']);
  });

  it("the host reaps a dead host process's workers and those of a container that is gone", async () => {
    const engine = engineWith(
      [worker('dead-host', legacy(DEAD_PID)), worker('live-host', legacy(process.pid)), worker('of-a', labelsOf(inContainerA))],
      [],
    );
    expect(await reapOrphanWorkers(engine, onHost)).toBe(2);
    expect(engine.destroyed.sort()).toEqual(['dead-host', 'of-a']);
  });
});
