/**
 * Nuclio 1.14's shell runtime, acted out on this engine with the function's real image, where neither
 * Kubernetes nor Nuclio's processor (quay.io) can run. Read from nuclio/nuclio at 1.14.1:
 *
 * - pkg/processor/runtime/shell/runtime.go `processEvent`: per event, `exec.CommandContext(ctx, "sh",
 *   command...)` with `command = [/opt/nuclio/<module>, args...]` when that file exists (`getCommand`,
 *   `commandIsInPath`), else `sh -c "<module> <args>"`; args are the `X-Nuclio-Arguments` header or
 *   `runtimeAttributes.arguments`, split on " " (our "" gives one empty argument). `cmd.Env` is set,
 *   so the handler gets `getEnvFromConfiguration` (NUCLIO_FUNCTION_NAME, _DESCRIPTION, _VERSION,
 *   _HANDLER from runtime.go's AbstractRuntime, then spec.env) and `getEnvFromEvent` (13 NUCLIO_*
 *   variables), nothing of the image's ENV. Stdin is the body; `CombinedOutput` gives stdout and stderr
 *   one pipe (os/exec shares the fd when both are the same writer). Exit 0: 200 with the output and
 *   `runtimeAttributes.responseHeaders`; else 500, the same headers and `ResponseErrorFormat`
 *   (types.go) around Go's error text (`exit status N`, `signal: killed`).
 * - pkg/processor/timeout/timeout.go `watch`: every eventTimeout T, a worker whose event started more
 *   than T ago (by cmd/processor's 1-second clock, pkg/processor/util/clock) is timed out: the HTTP
 *   trigger's `TimeoutWorker` answers 408 `{"error": "handler timed out"}`, and `Restart` cancels the
 *   event's context, on which os/exec SIGKILLs the direct child, the handler, and nothing else; the
 *   worker is free again as soon as `ProcessEvent` returns. So an event is killed between about T - 1 s
 *   and 2T after it started.
 * - pkg/processor/trigger/http/trigger.go and worker/allocator.go: one fixed pool of `numWorkers`
 *   workers per replica; `Allocate(workerAvailabilityTimeoutMilliseconds)` with 0 fails at once, and
 *   `ErrNoAvailableWorkers` is a 503 with an empty body. `/__internal/health` answers 200 without one.
 *
 * How: one long-lived container per replica, as a pod is: the shell-runtime stage of the function's
 * nuclio target (the image minus the processor), with the pod's settings read from the
 * NuclioFunction itself and from the container hardening the Pulumi program patches in
 * (runAsUser/Group, capabilities dropped and added, no privilege escalation, read-only root, each
 * memory emptyDir as a tmpfs of its sizeLimit made 0777 as the kubelet makes it, memory =
 * memory+swap, CPU) plus a pids limit (the kubelet's podPidsLimit, a node setting infra/README.md
 * requires) and no network. tini is PID 1 as in the image; `tail -f /dev/null` stands where the
 * processor runs. The processor lives in the container and forks the handler per event, so each
 * event here is a `docker exec` of exactly that command: a wrapper prints its pid, then `exec env
 * -i <Nuclio's env> sh /opt/nuclio/handler.sh ""` with stdout and stderr dup'ed onto one pipe — the
 * same process, environment, working directory (the image's WORKDIR), user and capabilities as the
 * processor's child, and its orphans go to the container's PID 1 as in the pod. One difference:
 * `docker exec` starts a session of its own, where the processor's child stays in PID 1's session;
 * the proxy takes both its own session and PID 1's as the platform's. On a timeout the harness
 * SIGKILLs that pid in the container and only then answers 408 and frees the worker: Nuclio's kill
 * is a syscall microseconds after the cancel, ours a `docker exec`, and the next event must not
 * overtake it.
 *
 * Not reproduced: Kubernetes itself (scheduling, probes, restarts of a dead container, whose emptyDirs
 * would survive), the Service's choice of replica (round-robin here), the pod network and its
 * NetworkPolicy (no network at all here), cgroup v2's whole-container OOM kill (this engine is cgroup
 * v1), the processor's own memory and threads in the pod's limits, a user namespace per pod
 * (`hostUsers: false`: the engine's is daemon-wide; it changes no uid inside the pod), and the exact
 * values of the event variables (their names are Nuclio's).
 */

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LABELS } from '../../../factory/tags';
import {
  processorContainerSecurityContext,
  quantityToBytes,
  type NuclioFunctionResource,
} from '../../../factory/nuclio';
import { processAlive } from '../../../registry-api/host';
import { FIRST_SANDBOX_UID, SANDBOX_UID_COUNT, workerNameFor } from '../../../registry-api/platform/local';

/** `ResponseErrorFormat` of pkg/processor/runtime/shell/types.go. */
export const RESPONSE_ERROR_FORMAT = (error: string, output: string): string =>
  `Failed to run shell command.\nError: ${error}\nOutput:${output}`;
/** The HTTP trigger's `timeoutResponse`. */
export const TIMEOUT_RESPONSE = '{"error": "handler timed out"}';
/** The trigger's `InternalHealthPath`. */
const INTERNAL_HEALTH_PATH = '/__internal/health';
/** The shell runtime's handler directory when NUCLIO_SHELL_HANDLER_DIR is unset. */
const SHELL_HANDLER_DIR = '/opt/nuclio/';
/** cmd/processor sets its clock's resolution to 1 s when the function has an eventTimeout. */
const CLOCK_RESOLUTION_MS = 1000;

export const HARNESS_KIND = 'nuclio-harness';
/** Where the harness answers as the dashboard would (no namespace has this name). */
const DASHBOARD_PREFIX = 'dashboard';
const KIND_LABEL = 'org.codering.kind';
const OWNER_PID_LABEL = 'org.codering.owner-pid';
const FUNCTION_LABEL = 'org.codering.function';

/** What runs where the processor would, doing nothing (not `sleep`: attacks look for their sleepers). */
const PROCESSOR_STAND_IN = ['tail', '-f', '/dev/null'];

/** The wrapper a "processor fork" is: its pid on stderr, then Nuclio's command, env and one pipe. */
const FORK = 'echo $$ >&2; exec env -i "$@" 2>&1';

/**
 * Processes and threads of a replica. Kubernetes has no such field in a pod: it is the kubelet's
 * `podPidsLimit`, which infra/README.md requires on every node that runs functions (1024).
 */
export const POD_PIDS_LIMIT = 1024;

export interface HarnessOptions {
  /** The nodes' `podPidsLimit`; POD_PIDS_LIMIT by default. */
  pidsLimit?: number;
}

/** The container securityContext fields the harness acts out (the Pulumi program's patch, or another). */
export interface ContainerHardening {
  runAsUser?: number;
  runAsGroup?: number;
  allowPrivilegeEscalation?: boolean;
  readOnlyRootFilesystem?: boolean;
  capabilities: { drop?: readonly string[]; add?: readonly string[] };
}

export interface DeployOptions {
  /** The NuclioFunction as the Pulumi program deploys it (`nuclioFunctionSpec`). */
  function: NuclioFunctionResource;
  /** The function's image without the processor: its nuclio target's `shell-runtime` stage. */
  image: string;
  /** The container hardening patched onto the function's Deployment; the Pulumi program's by default. */
  containerSecurity?: ContainerHardening;
  /** Replicas (pods) to start; the function's minReplicas by default. */
  replicas?: number;
}

/** One event as the harness answered it. */
export interface HarnessEvent {
  function: string;
  replica: string;
  status: number;
  body: Buffer;
  ms: number;
}

interface Exited {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/** Runs the docker CLI; never rejects on a non-zero exit (the caller reads `code`). */
function docker(args: string[], timeoutMs = 60_000): Promise<Exited> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', args, { stdio: ['pipe', 'pipe', 'pipe'], timeout: timeoutMs });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr: err }));
    child.stdin.end();
  });
}

async function dockerOk(args: string[], what: string): Promise<string> {
  const done = await docker(args);
  if (done.code !== 0) throw new Error(`${what}: docker ${args[0]} exited ${done.code}: ${done.stderr.trim()}`);
  return done.stdout.toString().trim();
}

/** A Go duration as Nuclio's `eventTimeout` holds it (`85s`, `1m30s`, `2500ms`). */
export function goDurationMs(duration: string): number {
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, µs: 0.001, ns: 0.000001 };
  let total = 0;
  const rest = duration.replace(/([0-9.]+)(h|ms|m|s|us|µs|ns)/g, (_, value: string, unit: string) => {
    total += Number(value) * (units[unit] ?? Number.NaN);
    return '';
  });
  if (rest !== '' || !Number.isFinite(total)) throw new Error(`"${duration}" is not a Go duration`);
  return total;
}

/** A Kubernetes CPU quantity (`1`, `500m`) in CPUs. */
function cpus(quantity: string): number {
  return quantity.endsWith('m') ? Number(quantity.slice(0, -1)) / 1000 : Number(quantity);
}

/** Go's `ProcessState.String()` for what docker exec reports (128 + n for a signal: ambiguous, rare). */
function goExitError(code: number): string {
  const signals: Record<number, string> = {
    1: 'hangup', 2: 'interrupt', 3: 'quit', 4: 'illegal instruction', 6: 'aborted', 7: 'bus error',
    8: 'floating point exception', 9: 'killed', 11: 'segmentation fault', 13: 'broken pipe',
    15: 'terminated', 24: 'CPU time limit exceeded', 25: 'file size limit exceeded', 31: 'bad system call',
  };
  const signal = signals[code - 128];
  return signal === undefined ? `exit status ${code}` : `signal: ${signal}`;
}

/**
 * The program's uid the function's handler derives from the pod's name (nuclio-handler.sh.hbs: one of
 * the images' 60000–60063 by the POSIX `cksum` of /proc/sys/kernel/hostname, newline included).
 */
export function handlerSandboxUid(hostname: string): number {
  const sum = spawnSync('cksum', { input: `${hostname}\n` }).stdout.toString().split(' ')[0];
  return FIRST_SANDBOX_UID + (Number(sum) % SANDBOX_UID_COUNT);
}

/**
 * A pod name whose handler uid is `uid`. On a node, pods rarely share one (and never with a
 * per-pod user namespace); here the harness makes sure of it, since this host also runs local
 * workers, which take those uids one per live container (RLIMIT_NPROC counts a uid host-wide).
 */
function hostnameFor(uid: number, podName: string): string {
  // a pod's hostname is its name cut to 63 characters (a host name's limit)
  const prefix = podName.slice(0, 56);
  for (let n = 0; ; n += 1) {
    const hostname = `${prefix}-${n}`;
    if (handlerSandboxUid(hostname) === uid) return hostname;
  }
}

/** The `docker run` arguments of one replica: the pod's settings, from the function and the patch. */
export function replicaRunArguments(deploy: DeployOptions, name: string, pidsLimit: number, hostname = name): string[] {
  const { spec, metadata } = deploy.function;
  const security: ContainerHardening = deploy.containerSecurity ?? processorContainerSecurityContext();
  // the container's securityContext wins over the pod's, as in Kubernetes
  const user = security.runAsUser ?? spec.securityContext.runAsUser;
  const group = security.runAsGroup ?? spec.securityContext.runAsGroup;
  const memory = quantityToBytes(spec.resources.limits.memory);
  const args = [
    'run', '--detach', '--name', name, '--hostname', hostname,
    '--label', `${LABELS.managed}=true`, '--label', `${KIND_LABEL}=${HARNESS_KIND}`,
    '--label', `${OWNER_PID_LABEL}=${process.pid}`, '--label', `${FUNCTION_LABEL}=${metadata.name}`,
    '--user', `${user}:${group}`,
    '--cap-drop', 'ALL', ...(security.capabilities.add ?? []).flatMap((capability) => ['--cap-add', capability]),
    // RuntimeDefault is the engine's default seccomp profile: nothing to say for it
    ...(security.allowPrivilegeEscalation === false ? ['--security-opt', 'no-new-privileges'] : []),
    ...(security.readOnlyRootFilesystem ? ['--read-only'] : []),
    '--memory', String(memory), '--memory-swap', String(memory),
    '--cpus', String(cpus(spec.resources.limits.cpu)),
    '--pids-limit', String(pidsLimit),
    '--network', 'none', '--ipc', 'private',
  ];
  for (const { volume, volumeMount } of spec.volumes) {
    if (volume.emptyDir.medium !== 'Memory') throw new Error(`volume ${volume.name}: only memory emptyDirs are acted out`);
    args.push('--tmpfs', `${volumeMount.mountPath}:rw,exec,nosuid,nodev,size=${quantityToBytes(volume.emptyDir.sizeLimit)}`);
  }
  // the container's own environment (the processor's, not the handler's): the image's ENV + spec.env
  for (const { name: key, value } of spec.env) args.push('--env', `${key}=${value}`);
  args.push(deploy.image, ...PROCESSOR_STAND_IN);
  return args;
}

/** The handler's command as `getCommand`, `commandIsInPath` and `getCommandArguments` make it. */
function shellCommand(fn: DeployedFunction, argumentsHeader: string | undefined): string[] {
  const header = argumentsHeader !== undefined && argumentsHeader !== '' ? argumentsHeader : undefined;
  const args = (header ?? fn.spec.spec.runtimeAttributes.arguments).split(' ');
  const command = [fn.command, ...args];
  return fn.commandInPath ? ['sh', '-c', command.join(' ')] : ['sh', ...command];
}

/** What `ParseHandler` and `getCommand` make of `spec.handler` (`handler.sh:main` → `handler.sh`). */
function handlerModule(handler: string): string {
  const parts = handler.split(':');
  if (parts.length > 2) throw new Error(`Invalid handler name ${handler}`);
  return parts.length === 1 ? (parts[0] as string) : parts[0] !== '' ? (parts[0] as string) : (parts[1] as string);
}

class LowResolutionClock {
  now = Date.now();
  private readonly timer = setInterval(() => (this.now = Date.now()), CLOCK_RESOLUTION_MS);

  constructor() {
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/** Answers the event's HTTP request (once). */
type Reply = (status: number, headers: Record<string, string>, body: Buffer) => void;

interface RunningEvent {
  /** The clock's time when the worker took the event (up to 1 s early, as Nuclio's). */
  startedAt: number;
  child: ChildProcess;
  pid: Promise<number | null>;
  timedOut: boolean;
  answer: Reply;
}

/** One pod: a container, its one processor and that processor's pool of workers. */
export class Replica {
  private readonly workers: Array<RunningEvent | null>;
  private readonly waiting: Array<() => void> = [];

  constructor(
    readonly name: string,
    private readonly fn: DeployedFunction,
    /** The uid its handler runs programs as (handlerSandboxUid of its pod name). */
    readonly sandboxUid: number,
  ) {
    this.workers = Array.from({ length: fn.spec.spec.triggers.http.numWorkers }, () => null);
  }

  /** `kubectl exec` into the pod: for tests that look inside, or plant what a pod could meet. */
  exec(script: string, user = '0'): Promise<Exited> {
    return docker(['exec', '--user', user, this.name, 'sh', '-c', script]);
  }

  /** `kubectl logs`: the container's stdout and stderr, where the handler sends its diagnostics. */
  async logs(): Promise<string> {
    const done = await docker(['logs', this.name]);
    return done.stdout.toString() + done.stderr;
  }

  /** The fixed pool's `Allocate`: a free worker now, or within `timeoutMs`, or none (503). */
  private async allocate(timeoutMs: number): Promise<number | null> {
    const free = (): number => this.workers.findIndex((worker) => worker === null);
    if (free() !== -1 || timeoutMs === 0) return free() === -1 ? null : free();
    const deadline = Date.now() + timeoutMs;
    while (free() === -1 && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - Date.now());
        this.waiting.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return free() === -1 ? null : free();
  }

  private release(index: number): void {
    this.workers[index] = null;
    this.waiting.splice(0).forEach((wake) => wake());
  }

  async handle(request: IncomingMessage, body: Buffer, path: string, reply: Reply): Promise<void> {
    const { spec, metadata } = this.fn.spec;
    const trigger = spec.triggers.http;
    const index = await this.allocate(trigger.workerAvailabilityTimeoutMilliseconds);
    if (index === null) {
      reply(503, {}, Buffer.alloc(0));
      return;
    }
    const header = (name: string): string => {
      const value = request.headers[name];
      return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
    };
    const env = [
      `NUCLIO_FUNCTION_NAME=${metadata.name}`,
      `NUCLIO_FUNCTION_DESCRIPTION=${spec.description}`,
      // the kube platform's lazy.go sets every function's version to -1 ("latest")
      'NUCLIO_FUNCTION_VERSION=-1',
      `NUCLIO_FUNCTION_HANDLER=${spec.handler}`,
      ...spec.env.map(({ name, value }) => `${name}=${value}`),
      `NUCLIO_EVENT_ID=${randomUUID()}`,
      'NUCLIO_TRIGGER_CLASS=sync',
      'NUCLIO_TRIGGER_KIND=http',
      `NUCLIO_EVENT_CONTENT_TYPE=${header('content-type')}`,
      `NUCLIO_EVENT_TIMESTAMP=${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}`,
      `NUCLIO_EVENT_PATH=${path}`,
      'NUCLIO_EVENT_URL=',
      `NUCLIO_EVENT_METHOD=${request.method ?? ''}`,
      'NUCLIO_EVENT_SHARD_ID=0',
      'NUCLIO_EVENT_NUM_SHARDS=0',
      'NUCLIO_EVENT_TYPE=',
      'NUCLIO_EVENT_TYPE_VERSION=',
      'NUCLIO_EVENT_VERSION=',
    ];
    const command = shellCommand(this.fn, request.headers['x-nuclio-arguments'] as string | undefined);
    const child = spawn('docker', ['exec', '--interactive', this.name, 'sh', '-c', FORK, 'nuclio-processor', ...env, ...command], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const output: Buffer[] = [];
    let wrapper = '';
    const pid = new Promise<number | null>((resolve) => {
      child.stderr?.on('data', (chunk: Buffer) => {
        wrapper += chunk.toString();
        const line = /^(\d+)\n/.exec(wrapper);
        if (line) resolve(Number(line[1]));
      });
      child.on('close', () => resolve(null));
    });
    const event: RunningEvent = { startedAt: this.fn.clock.now, child, pid, timedOut: false, answer: reply };
    this.workers[index] = event;
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk));
    child.on('close', (code) => {
      if (event.timedOut) return; // answered 408 already; the worker was freed then
      this.release(index);
      const out = Buffer.concat(output);
      const headers = spec.runtimeAttributes.responseHeaders;
      if (code === 0) reply(200, headers, out);
      else reply(500, headers, Buffer.from(RESPONSE_ERROR_FORMAT(goExitError(code ?? -1), out.toString('latin1')), 'latin1'));
    });
    child.stdin?.on('error', () => undefined); // a handler that exits before reading its body
    child.stdin?.end(body);
  }

  /** One round of the processor's timeout watcher. */
  async watch(timeoutMs: number): Promise<void> {
    const now = Date.now();
    await Promise.all(
      this.workers.map(async (event, index) => {
        if (event === null || event.timedOut || now - event.startedAt <= timeoutMs) return;
        event.timedOut = true;
        const pid = await event.pid;
        if (pid !== null) await docker(['exec', '--user', '0', this.name, 'sh', '-c', `kill -KILL ${pid}`]);
        event.answer(408, {}, Buffer.from(TIMEOUT_RESPONSE));
        this.release(index);
      }),
    );
  }

  /** Set when the replica is gone: its processor's watcher stops. */
  removed = false;

  /** Ends the docker exec clients still running (the harness's own children). */
  abandon(): void {
    this.removed = true;
    for (const event of this.workers) event?.child.kill('SIGKILL');
  }
}

export interface DeployedFunction {
  spec: NuclioFunctionResource;
  replicas: Replica[];
  /** `getCommand`: `/opt/nuclio/handler.sh`, or a command found in PATH. */
  command: string;
  commandInPath: boolean;
  clock: LowResolutionClock;
}

export class NuclioShellHarness {
  /** Every event answered, in order. */
  readonly events: HarnessEvent[] = [];
  private readonly functions = new Map<string, DeployedFunction>();
  private readonly watchers: NodeJS.Timeout[] = [];
  private roundRobin = 0;
  private readonly clock = new LowResolutionClock();
  private readonly server: Server = createServer((request, response) => void this.route(request, response));

  private constructor(private readonly options: Required<HarnessOptions>) {}

  static async start(options: HarnessOptions = {}): Promise<NuclioShellHarness> {
    await reapOrphans();
    const harness = new NuclioShellHarness({ pidsLimit: options.pidsLimit ?? POD_PIDS_LIMIT });
    await new Promise<void>((resolve) => harness.server.listen(0, '127.0.0.1', resolve));
    return harness;
  }

  /** NuclioPlatform's `functionUrlTemplate` for the functions deployed here. */
  get urlTemplate(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/{namespace}/{name}/`;
  }

  /** Starts the function's replicas (its pods) and its processors' timeout watchers. */
  async deploy(options: DeployOptions): Promise<DeployedFunction> {
    const { metadata, spec } = options.function;
    const key = `${metadata.namespace}/${metadata.name}`;
    if (this.functions.has(key)) throw new Error(`function ${key} is deployed already`);
    const module = handlerModule(spec.handler);
    const fn: DeployedFunction = { spec: options.function, replicas: [], command: `${SHELL_HANDLER_DIR}${module}`, commandInPath: false, clock: this.clock };
    this.functions.set(key, fn);
    const count = options.replicas ?? spec.minReplicas;
    for (let i = 0; i < count; i += 1) {
      const replica = await this.startReplica(options, fn, `codering-nuclio-${metadata.name}-${i}-${randomUUID().slice(0, 8)}`);
      const { name } = replica;
      fn.replicas.push(replica);
      // the kubelet makes every emptyDir world-writable (emptyDir's setupDir: chmod 0777)
      const mounts = spec.volumes.map((v) => v.volumeMount.mountPath);
      if (mounts.length > 0) await dockerOk(['exec', '--user', '0', name, 'chmod', '0777', ...mounts], `emptyDirs of ${name}`);
    }
    // commandIsInPath, at the processor's start: the handler file, or a command on the processor's PATH
    const probe = fn.replicas[0];
    if (probe !== undefined) {
      const file = await probe.exec(`test -e '${fn.command}'`);
      if (file.code !== 0) {
        const inPath = await probe.exec(`command -v '${module}'`);
        if (inPath.code !== 0) throw new Error(`the processor would not start: ${fn.command} does not exist and ${module} is not in PATH`);
        fn.command = module;
        fn.commandInPath = true;
      }
    }
    if (spec.eventTimeout !== '') {
      const timeoutMs = goDurationMs(spec.eventTimeout);
      for (const replica of fn.replicas) this.startWatcher(replica, timeoutMs);
    }
    return fn;
  }

  /**
   * Starts a pod whose programs' uid no live worker on this host has: its container's name claims
   * the uid as a local worker's does (workerNameFor; a name taken answers a conflict), and its
   * hostname is chosen so that the handler derives that uid.
   */
  private async startReplica(options: DeployOptions, fn: DeployedFunction, podName: string): Promise<Replica> {
    for (let uid = FIRST_SANDBOX_UID; uid < FIRST_SANDBOX_UID + SANDBOX_UID_COUNT; uid += 1) {
      const name = workerNameFor(uid);
      const started = await docker(replicaRunArguments(options, name, this.options.pidsLimit, hostnameFor(uid, podName)));
      if (started.code === 0) return new Replica(name, fn, uid);
      if (/already in use|Conflict/i.test(started.stderr)) continue;
      await docker(['rm', '--force', name]);
      throw new Error(`replica ${podName}: docker run exited ${started.code}: ${started.stderr.trim()}`);
    }
    throw new Error(`replica ${podName}: every sandbox uid is held by a live container on this host`);
  }

  /** Deletes a function: its replicas go, and their processors' watchers stop. */
  async remove(name: string, namespace: string): Promise<void> {
    const fn = this.functions.get(`${namespace}/${name}`);
    if (fn === undefined) return;
    this.functions.delete(`${namespace}/${name}`);
    for (const replica of fn.replicas) replica.abandon();
    if (fn.replicas.length > 0) await docker(['rm', '--force', ...fn.replicas.map((replica) => replica.name)]);
    fn.replicas.length = 0;
  }

  /** The deployed function's replicas, by name (a test's handle on its pods). */
  replicas(name: string, namespace: string): Replica[] {
    return this.functions.get(`${namespace}/${name}`)?.replicas ?? [];
  }

  private startWatcher(replica: Replica, timeoutMs: number): void {
    const round = (): void => {
      if (replica.removed) return;
      const timer = setTimeout(() => {
        this.watchers.splice(this.watchers.indexOf(timer), 1);
        void replica.watch(timeoutMs).finally(round);
      }, timeoutMs);
      timer.unref();
      this.watchers.push(timer);
    };
    round();
  }

  /** The dashboard's URL (NuclioDashboard's `url`): the functions deployed here, as Nuclio lists them. */
  get dashboardUrl(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/${DASHBOARD_PREFIX}/`;
  }

  /**
   * The part of the dashboard's API the API reads (pkg/dashboard/resource/function.go, 1.14): the
   * functions of the namespace and project the headers name, keyed by name, each in state `ready`
   * once its replicas run (they do once `deploy` returns), and the names of a function's pods.
   */
  private dashboard(request: IncomingMessage, response: ServerResponse, segments: string[]): void {
    const namespace = String(request.headers['x-nuclio-function-namespace'] ?? 'default');
    const project = request.headers['x-nuclio-project-name'];
    const listed = [...this.functions.values()].filter(
      (fn) => fn.spec.metadata.namespace === namespace && (project === undefined || fn.spec.metadata.labels['nuclio.io/project-name'] === project),
    );
    const asNuclio = (fn: DeployedFunction) => ({ metadata: fn.spec.metadata, spec: fn.spec.spec, status: { state: 'ready' } });
    const json = (status: number, body: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (request.method !== 'GET' || segments[0] !== 'functions') return void json(405, { error: 'the harness plays only the reads' });
    if (segments.length === 1) return void json(200, Object.fromEntries(listed.map((fn) => [fn.spec.metadata.name, asNuclio(fn)])));
    const fn = listed.find((one) => one.spec.metadata.name === segments[1]);
    if (fn === undefined) return void json(404, { error: `function ${segments[1]} not found` });
    if (segments[2] === 'replicas') return void json(200, { names: fn.replicas.map((replica) => replica.name) });
    json(200, asNuclio(fn));
  }

  private async route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = Date.now();
    const url = new URL(request.url ?? '/', 'http://harness');
    const segments = url.pathname.split('/').filter((segment) => segment !== '');
    if (segments[0] === DASHBOARD_PREFIX && segments[1] === 'api') return this.dashboard(request, response, segments.slice(2));
    const [, namespace = '', name = '', ...rest] = url.pathname.split('/');
    const path = `/${rest.join('/')}`;
    const fn = this.functions.get(`${namespace}/${name}`);
    const replica = fn?.replicas[this.roundRobin++ % Math.max(1, fn.replicas.length)];
    if (fn === undefined || replica === undefined) {
      response.writeHead(404).end(`no function ${namespace}/${name}`);
      return;
    }
    const reply: Reply = (status, headers, body) => {
      this.events.push({ function: name, replica: replica.name, status, body, ms: Date.now() - started });
      if (!response.headersSent) response.writeHead(status, headers).end(body);
    };
    if (path.startsWith(INTERNAL_HEALTH_PATH)) {
      response.writeHead(200).end();
      return;
    }
    // fasthttp reads the whole body first, and refuses one past maxRequestBodySize
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > fn.spec.spec.triggers.http.attributes.maxRequestBodySize) {
        reply(413, {}, Buffer.alloc(0));
        return;
      }
      chunks.push(chunk);
    }
    await replica.handle(request, Buffer.concat(chunks), path, reply);
  }

  async close(): Promise<void> {
    for (const timer of this.watchers.splice(0)) clearTimeout(timer);
    this.clock.stop();
    const replicas = [...this.functions.values()].flatMap((fn) => fn.replicas);
    for (const replica of replicas) replica.abandon();
    if (replicas.length > 0) await docker(['rm', '--force', ...replicas.map((replica) => replica.name)]);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Replicas a crashed earlier run left behind (their owner is gone). */
async function reapOrphans(): Promise<void> {
  const listed = await docker(['ps', '--all', '--filter', `label=${KIND_LABEL}=${HARNESS_KIND}`, '--format', `{{.ID}} {{.Label "${OWNER_PID_LABEL}"}}`]);
  const orphans = listed.stdout
    .toString()
    .split('\n')
    .map((line) => line.split(' '))
    .filter(([id, owner]) => id && !processAlive(Number(owner)))
    .map(([id]) => id as string);
  if (orphans.length > 0) await docker(['rm', '--force', ...orphans]);
}
