/**
 * Who owns a worker container, said in terms that every API process on the host can check.
 *
 * The owner's pid was enough while every API ran on the host. An API in a container counts pids in
 * a namespace of its own (its node may be pid 7 there), so a pid read from a label means nothing to
 * a process in another pid namespace: an API in a container that judged the host's workers by their
 * owners' pids would find none of them alive and remove every other API's workers, and a host API
 * could mistake a containerized API's pid for one of its own processes. So a worker also names its
 * owner's pid namespace and, when the owner runs in a container, that container: a pid is judged
 * only from inside its own namespace, a container by the engine, and anything else is left alone.
 */
import { readFileSync, readlinkSync } from 'node:fs';
import { processAlive } from '../../host';
import { INSTANCE_LABEL, OWNER_PID_LABEL } from './worker-container-spec';

/** `pid:[4026532868]`: the owner's pid namespace, as /proc/self/ns/pid names it. */
export const OWNER_PID_NAMESPACE_LABEL = 'org.codering.owner-pid-namespace';
/** The 64-hex id of the container the owner runs in; absent when it runs on the host. */
export const OWNER_CONTAINER_LABEL = 'org.codering.owner-container';

/**
 * The host's own pid namespace: the kernel gives the initial one a fixed inode (PROC_PID_INIT_INO).
 * Workers labelled before the namespace label existed were all made by processes on the host.
 */
export const HOST_PID_NAMESPACE = 'pid:[4026531836]';

export interface WorkerOwner {
  /** The platform's own id: its workers are never judged, they are its own. */
  instanceId: string;
  pid: number;
  /** `pid:[…]`, or null where /proc does not say (not Linux): then pids are judged as before. */
  pidNamespace: string | null;
  /** The container this process runs in, or null on the host (or when it can't tell). */
  container: string | null;
}

/** Mount points a container engine gives every container from the container's own folder. */
const ENGINE_FILES = new Set(['/etc/hostname', '/etc/hosts', '/etc/resolv.conf']);
/** Docker's (`/var/lib/docker/containers/<id>/hostname`) and Podman's (`…/overlay-containers/<id>/userdata/hostname`). */
const CONTAINER_FOLDER = /\/(?:overlay-)?containers\/([0-9a-f]{64})\/(?:userdata\/)?(?:hostname|hosts|resolv\.conf)$/;

/**
 * The container of the process whose /proc/self/mountinfo this is, from the files the engine mounts
 * into it: the root of the /etc/hostname mount is a file in the container's own folder. Only those
 * mount points count: the host's mountinfo lists the containers' shm mounts under the same folders.
 */
export function containerOf(mountinfo: string): string | null {
  for (const line of mountinfo.split('\n')) {
    // fields: id, parent, major:minor, root, mount point, …
    const [, , , root, mountPoint] = line.split(' ');
    if (root === undefined || mountPoint === undefined || !ENGINE_FILES.has(mountPoint)) continue;
    const match = CONTAINER_FOLDER.exec(root);
    if (match?.[1]) return match[1];
  }
  return null;
}

function readOrNull(read: () => string): string | null {
  try {
    return read();
  } catch {
    return null;
  }
}

/** This process as the owner of the workers its platform `instanceId` starts. */
export function currentOwner(instanceId: string): WorkerOwner {
  const mountinfo = readOrNull(() => readFileSync('/proc/self/mountinfo', 'utf8'));
  return {
    instanceId,
    pid: process.pid,
    pidNamespace: readOrNull(() => readlinkSync('/proc/self/ns/pid')),
    container: mountinfo === null ? null : containerOf(mountinfo),
  };
}

/** The labels a worker carries about its owner. */
export function ownerLabels(owner: WorkerOwner): Record<string, string> {
  return {
    [INSTANCE_LABEL]: owner.instanceId,
    [OWNER_PID_LABEL]: String(owner.pid),
    ...(owner.pidNamespace === null ? {} : { [OWNER_PID_NAMESPACE_LABEL]: owner.pidNamespace }),
    ...(owner.container === null ? {} : { [OWNER_CONTAINER_LABEL]: owner.container }),
  };
}

/**
 * Whether the owner named by a worker's labels may still be alive, as `me` can tell. `containerState`
 * gives the engine's state of a container by id (undefined: no such container). Only a proof of
 * death answers false: an owner this process can't see is left to its own namespace.
 */
export function ownerMayBeAlive(labels: Record<string, string>, me: WorkerOwner, containerState: (id: string) => string | undefined): boolean {
  if (labels[INSTANCE_LABEL] === me.instanceId) return true;
  const namespace = labels[OWNER_PID_NAMESPACE_LABEL] ?? HOST_PID_NAMESPACE;
  const mine = namespace === (me.pidNamespace ?? HOST_PID_NAMESPACE);
  const container = labels[OWNER_CONTAINER_LABEL];
  if (container !== undefined && container !== me.container) return containerState(container) === 'running';
  // my own container with another pid namespace: it was restarted since, and its owner went with it
  if (container !== undefined && !mine) return false;
  return mine ? processAlive(Number(labels[OWNER_PID_LABEL])) : true;
}
