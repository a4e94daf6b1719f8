/**
 * How a warm worker's container is hardened. Every setting here is acted out by an attack in
 * tests/integration/security (a fork bomb, a memory bomb, an output flood, a network call, files
 * and processes left for the next run), not just inspected.
 */

import { LABELS } from '../../../factory/tags';

/** The factory's own label: containers and images of ours are found by the same one. */
export const MANAGED_LABEL = LABELS.managed;
export const KIND_LABEL = 'org.codering.kind';
export const INSTANCE_LABEL = 'org.codering.instance';
export const OWNER_PID_LABEL = 'org.codering.owner-pid';
export const IMAGE_LABEL = 'org.codering.image';
/** The sandbox uid a worker's programs run as (the container's name claims it on the host). */
export const SANDBOX_UID_LABEL = 'org.codering.sandbox-uid';

/**
 * The name of the worker container that runs its programs as `uid`. The engine refuses a second
 * container of the same name, on the whole host and atomically: so a uid is claimed by creating
 * the container, and no two live workers of any process on this host (the served API and the test
 * suite's, two replicas) ever share one — the kernel counts RLIMIT_NPROC per uid, host-wide.
 */
export function workerNameFor(uid: number): string {
  return `codering-sandbox-${uid}`;
}
export const WORKER_KIND = 'worker';

export interface WorkerHardening {
  /** Memory cap of the whole container; swap is the same number, so no swap at all. */
  memoryBytes: number;
  /** CPU share of the container, in CPUs (1 = one core). */
  cpus: number;
  /** Processes and threads in the container (the proxy and tini included). */
  pidsLimit: number;
  /** Size of the /box workdir and of /tmp, each (tmpfs: counted in the memory cap). */
  tmpfsBytes: number;
  /**
   * Files and folders each writable tmpfs (/box, /tmp, /dev/shm) may hold. Without it a program
   * can make millions of empty entries: kernel memory outside its size, and a cleanup long enough
   * to retire the worker. Generous for any honest compile (a go build cache is a few hundred).
   */
  tmpfsInodes: number;
  /** Open files per process. */
  nofile: number;
}

export const DEFAULT_HARDENING: WorkerHardening = {
  memoryBytes: 512 * 1024 * 1024,
  cpus: 1,
  pidsLimit: 128,
  tmpfsBytes: 64 * 1024 * 1024,
  tmpfsInodes: 32_768,
  nofile: 256,
};

export interface WorkerContainerOptions {
  image: string;
  name: string;
  /** The uid this worker's programs run as (its own among live workers: see sandbox-uids.ts). */
  sandboxUid: number;
  labels: Record<string, string>;
  hardening: WorkerHardening;
  /** The proxy's time to clean and prove the worker fresh after each run, past which it retires. */
  cleanBudgetMs: number;
}

/** Bytes of /dev/shm: POSIX shared memory is for small things here (python's multiprocessing). */
const SHM_BYTES = 16 * 1024 * 1024;

/** The body of the engine's create-container call for a warm worker. */
export function workerContainerSpec(options: WorkerContainerOptions): Record<string, unknown> {
  const { hardening } = options;
  const tmpfs = `rw,exec,nosuid,nodev,size=${hardening.tmpfsBytes},nr_inodes=${hardening.tmpfsInodes}`;
  return {
    name: options.name,
    Image: options.image,
    Cmd: ['--serve'],
    // nothing of the host's environment: only what the image declares, and the worker's own uid
    Env: [`CODERING_SANDBOX_UID=${options.sandboxUid}`, `CODERING_CLEAN_BUDGET_MS=${options.cleanBudgetMs}`],
    Labels: { ...options.labels, [MANAGED_LABEL]: 'true', [KIND_LABEL]: WORKER_KIND, [SANDBOX_UID_LABEL]: String(options.sandboxUid) },
    // requests arrive on the attached stdin and results leave on stdout: no exec per request
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    OpenStdin: true,
    StdinOnce: false,
    Tty: false,
    NetworkDisabled: true,
    HostConfig: {
      NetworkMode: 'none',
      ReadonlyRootfs: true,
      Tmpfs: {
        '/box': `${tmpfs},uid=${options.sandboxUid},gid=1000,mode=0755`,
        '/tmp': `${tmpfs},mode=1777`,
        // ours instead of the engine's, for its inode limit (the proxy empties it like the others)
        '/dev/shm': `rw,noexec,nosuid,nodev,size=${SHM_BYTES},nr_inodes=${hardening.tmpfsInodes},mode=1777`,
      },
      // private: System V objects and POSIX message queues (/dev/mqueue) are this worker's alone
      IpcMode: 'private',
      Memory: hardening.memoryBytes,
      MemorySwap: hardening.memoryBytes,
      NanoCpus: Math.round(hardening.cpus * 1e9),
      PidsLimit: hardening.pidsLimit,
      // the proxy (uid 0) keeps only what it needs to switch to the sandbox user and to kill what
      // the program leaves; the program, as uid 1000, has no capability at all
      CapDrop: ['ALL'],
      CapAdd: ['SETUID', 'SETGID', 'KILL'],
      SecurityOpt: ['no-new-privileges'],
      Ulimits: [
        { Name: 'nofile', Soft: hardening.nofile, Hard: hardening.nofile },
        { Name: 'core', Soft: 0, Hard: 0 },
      ],
      // we read the worker's output through the attach stream; a log driver would copy every byte
      LogConfig: { Type: 'none', Config: {} },
      AutoRemove: false,
      Privileged: false,
    },
  };
}
