/**
 * The container part of the Docker client: the ContainerEngine on the real engine, through dockerode.
 * Every call is bounded by the client's deadlines (engine-deadlines.ts). Failures other than a
 * deadline stay dockerode's own errors, as they always have: the race tells a platform refusal (a
 * CoderingError) from a worker that failed to start (anything else), and a refused container
 * create is the latter.
 */
import { PassThrough } from 'node:stream';
import type { Duplex } from 'node:stream';
import type Docker from 'dockerode';
import type { ContainerEngine, ManagedContainer, WorkerStreams } from './container-engine';
import type { EngineDeadlines } from './engine-deadlines';
import { statusOf } from './engine-error';
import type { ImageEngine } from './image-engine';

export class ContainerClient implements ContainerEngine {
  /** Built by DockerClient, which owns the dockerode instance, the deadlines and the image part. */
  constructor(
    private readonly docker: Docker,
    private readonly deadlines: EngineDeadlines,
    private readonly images: Pick<ImageEngine, 'ping' | 'inspectImage'>,
  ) {}

  async ping(): Promise<void> {
    await this.images.ping();
  }

  async startAttached(spec: Record<string, unknown>): Promise<{ id: string; streams: WorkerStreams }> {
    const container = await this.deadlines.short('create container', undefined, (abortSignal) =>
      this.docker.createContainer({ ...(spec as Docker.ContainerCreateOptions), abortSignal } as Docker.ContainerCreateOptions),
    );
    try {
      // attach before start, so that no byte of output is lost; hijack for a real duplex (FACTS.md)
      const raw = (await this.deadlines.short('attach', undefined, () =>
        container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true }),
      )) as Duplex;
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      this.docker.modem.demuxStream(raw, stdout, stderr);
      // demuxStream never ends its outputs: without this a dead worker would look silent, not gone
      const end = (): void => {
        stdout.end();
        stderr.end();
      };
      raw.on('end', end);
      raw.on('close', end);
      raw.on('error', end);
      await this.deadlines.short('start container', undefined, (abortSignal) => container.start({ abortSignal }));
      return {
        id: container.id,
        streams: {
          stdin: raw,
          stdout,
          stderr,
          destroy: () => {
            raw.destroy();
            end();
          },
        },
      };
    } catch (error) {
      await this.destroy(container.id).catch(() => undefined);
      throw error;
    }
  }

  async destroy(id: string): Promise<void> {
    try {
      await this.deadlines.short('remove container', undefined, (abortSignal) =>
        this.docker.getContainer(id).remove({ force: true, v: true, abortSignal }),
      );
    } catch (error) {
      if (statusOf(error) === 404) return;
      // "removal already in progress" is a success for us
      if (/already in progress/.test(String((error as Error).message))) return;
      throw error;
    }
  }

  async list(labels: Record<string, string>): Promise<ManagedContainer[]> {
    const filters = { label: Object.entries(labels).map(([k, v]) => `${k}=${v}`) };
    const found = await this.deadlines.short('list containers', undefined, (abortSignal) =>
      this.docker.listContainers({ all: true, filters, abortSignal }),
    );
    return found.map((c) => ({ id: c.Id, labels: c.Labels ?? {}, state: c.State }));
  }

  /** The image part's inspect: one definition of "the engine has this image". */
  async imageExists(reference: string): Promise<boolean> {
    return (await this.images.inspectImage(reference)) !== null;
  }
}
