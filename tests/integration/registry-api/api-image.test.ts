/**
 * The registry API from its own image (codering/api), run the way an operator runs it on one host:
 * as a container, non-root, read-only root, no capability, its data dir a tmpfs, the engine's socket
 * mounted (with the socket's group) so that its local platform starts workers, and the host network
 * so that it reaches the image registry on 127.0.0.1 and listens there. The network is the API's
 * own: its workers stay network-less. A program runs through it over HTTP, then it is stopped and
 * must leave nothing behind. Every container this test starts carries our labels and is removed,
 * even when a step fails.
 */
import fs from 'node:fs';
import net from 'node:net';
import { PassThrough } from 'node:stream';
import { randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import { factoryConfig } from '../../../factory/config';
import { createDockerClient } from '../../../factory/engine';
import { API_DATA_DIR, API_ENTRYPOINT, API_UID } from '../../../factory/templates';
import { KIND_LABEL, MANAGED_LABEL, OWNER_CONTAINER_LABEL, WORKER_KIND } from '../../../registry-api/platform/local';
import { apiImage, runtimeImage, type RunBody } from '../support';

// the first build of the image installs its modules and compiles better-sqlite3: minutes, once
jest.setTimeout(30 * 60_000);

/** This test run's own label: what it started is found by it, and by nothing else. */
const RUN_LABEL = 'org.codering.test-run';
const run = `api-image-${randomBytes(4).toString('hex')}`;

const docker: Docker = createDockerClient(factoryConfig()).images.docker;
let api: Docker.Container | undefined;
let base: string;
let pythonImage: string;

/** The engine's socket on this host, or null when DOCKER_HOST points elsewhere. */
function engineSocket(): string | null {
  const host = process.env.DOCKER_HOST;
  if (!host) return '/var/run/docker.sock';
  return host.startsWith('unix://') ? host.slice('unix://'.length) : null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** The container's last log lines, for a failure's message (stdout and stderr, frame headers removed). */
async function logsOf(container: Docker.Container): Promise<string> {
  try {
    const raw = (await container.logs({ stdout: true, stderr: true, tail: 60 })) as unknown as Buffer;
    const lines: Buffer[] = [];
    for (let at = 0; at + 8 <= raw.length; ) {
      const size = raw.readUInt32BE(at + 4);
      lines.push(raw.subarray(at + 8, at + 8 + size));
      at += 8 + size;
    }
    return Buffer.concat(lines).toString();
  } catch (error) {
    return `(no logs: ${(error as Error).message})`;
  }
}

/** Runs a command in the container as its own user, with its own (no) capabilities. */
async function execIn(container: Docker.Container, cmd: string[]): Promise<{ exitCode: number | null; output: string }> {
  const exec = await container.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (chunk: Buffer) => chunks.push(chunk));
  docker.modem.demuxStream(stream, output, output);
  await new Promise((resolve) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
  });
  return { exitCode: (await exec.inspect()).ExitCode, output: Buffer.concat(chunks).toString() };
}

/** The worker containers the API in `container` started (they name it as their owner). */
async function workersOf(id: string): Promise<Docker.ContainerInfo[]> {
  return docker.listContainers({ all: true, filters: { label: [`${KIND_LABEL}=${WORKER_KIND}`, `${OWNER_CONTAINER_LABEL}=${id}`] } });
}

async function removeEverything(): Promise<void> {
  const ours = await docker.listContainers({ all: true, filters: { label: [`${RUN_LABEL}=${run}`] } });
  const workers = (await Promise.all(ours.map((c) => workersOf(c.Id)))).flat();
  for (const container of [...ours, ...workers]) {
    await docker
      .getContainer(container.Id)
      .remove({ force: true, v: true })
      .catch(() => undefined);
  }
}

async function waitReady(container: Docker.Container, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    const state = (await container.inspect()).State;
    if (!state.Running) throw new Error(`the API container stopped (exit ${state.ExitCode}) before it was ready:\n${await logsOf(container)}`);
    try {
      const response = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(2000) });
      if (response.status === 200) return;
      last = `${response.status} ${await response.text()}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`the API container was not ready within ${deadlineMs} ms (last /readyz: ${last}):\n${await logsOf(container)}`);
}

beforeAll(async () => {
  const socket = engineSocket();
  if (socket === null) throw new Error('this test mounts the local engine socket into the API container: DOCKER_HOST must be unix:// or unset');
  // built on the host first: the API in its container must find the same content tag on its own
  pythonImage = await runtimeImage('python@3');
  const image = await apiImage();
  const config = factoryConfig();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const env = [
    // the host network is shared: listen on loopback only, a port of its own
    'CODERING_HOST=127.0.0.1',
    `CODERING_PORT=${port}`,
    `CODERING_REGISTRY=${config.registry}`,
    `CODERING_REGISTRY_SCHEME=${config.registryScheme}`,
    `CODERING_REGISTRY_USERNAME=${config.registryUsername}`,
    ...(config.registryPassword === null ? [] : [`CODERING_REGISTRY_PASSWORD=${config.registryPassword}`]),
    'CODERING_DEFAULT_RUNTIMES=python@3',
    'CODERING_WARM_FLOOR=1',
    'CODERING_MAX_WORKERS=4',
  ];
  api = await docker.createContainer({
    name: run,
    Image: image.local,
    Env: env,
    Labels: { [MANAGED_LABEL]: 'true', [KIND_LABEL]: 'api', [RUN_LABEL]: run },
    HostConfig: {
      NetworkMode: 'host',
      ReadonlyRootfs: true,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      GroupAdd: [String(fs.statSync(socket).gid)],
      Binds: [`${socket}:/var/run/docker.sock`],
      Tmpfs: { [API_DATA_DIR]: `rw,nosuid,nodev,noexec,size=64m,uid=${API_UID},gid=${API_UID},mode=0700` },
      Memory: 1024 * 1024 * 1024,
      PidsLimit: 256,
    },
  });
  await api.start();
  await waitReady(api, 5 * 60_000);
});

afterAll(async () => {
  await removeEverything();
});

describe('the API from its own image', () => {
  test('runs as its own non-root user, with no capability, writing only to its data dir', async () => {
    const container = api as Docker.Container;
    const { output } = await execIn(container, [
      'sh',
      '-c',
      `id -u; grep CapEff /proc/1/status; touch /opt/codering/api/probe 2>&1; touch /tmp/probe 2>&1; ls ${API_DATA_DIR}`,
    ]);
    const [uid, caps, ...rest] = output.trim().split('\n');
    expect(uid).toBe(String(API_UID));
    expect(caps).toMatch(/^CapEff:\s+0+$/);
    expect(rest.filter((line) => /Read-only file system/.test(line))).toHaveLength(2);
    // what it wrote, it wrote to the data dir: the job database and its lock
    expect(rest.join('\n')).toMatch(/codering-api\.lock/);
    const top = await container.top({ ps_args: '-o pid,uid,args' });
    const uidColumn = top.Titles.indexOf('UID');
    const script = API_ENTRYPOINT[API_ENTRYPOINT.length - 1] as string;
    const node = (top.Processes as string[][]).find((row) => row.join(' ').includes(`node --enable-source-maps ${script}`));
    expect(node?.[uidColumn]).toBe(String(API_UID));
  });

  test('runs a program over HTTP on a worker it started, which has no network', async () => {
    const response = await fetch(`${base}/v1/run`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ runtime: 'python@3', files: [{ name: 'main.py', content: 'print("hello from the image")' }] }),
    });
    const body = (await response.json()) as RunBody;
    expect(response.status).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.stdout).toBe('hello from the image\n');
    // the same content tag inside the image as on the host: the same sources, the same catalogue
    expect(body.runtime.image).toBe(pythonImage);

    const workers = await workersOf((api as Docker.Container).id);
    expect(workers.length).toBeGreaterThan(0);
    for (const worker of workers) {
      expect(worker.Labels[MANAGED_LABEL]).toBe('true');
      expect(worker.HostConfig.NetworkMode).toBe('none');
    }
  });

  test('stops on the stop signal: drains, removes its workers, exits 0; nothing of ours is left', async () => {
    const container = api as Docker.Container;
    await container.stop({ t: 30 });
    const state = (await container.inspect()).State;
    expect({ exitCode: state.ExitCode, oomKilled: state.OOMKilled }).toEqual({ exitCode: 0, oomKilled: false });
    expect(await workersOf(container.id)).toEqual([]);
    await container.remove({ v: true });
    expect(await docker.listContainers({ all: true, filters: { label: [`${RUN_LABEL}=${run}`] } })).toEqual([]);
  });
});
