import { PassThrough } from 'node:stream';
import type { Duplex } from 'node:stream';
import Docker from 'dockerode';
import { withTimeout } from '../../../factory/engine';
import type { ContainerEngine, ManagedContainer, WorkerStreams } from './container-engine';

export interface DockerContainerEngineOptions {
  docker?: Docker;
  /** Deadline of one engine call. */
  callTimeoutMs?: number;
}

const isNotFound = (error: unknown): boolean => (error as { statusCode?: number }).statusCode === 404;

/** ContainerEngine on the Docker engine, through dockerode. */
export class DockerContainerEngine implements ContainerEngine {
  private readonly docker: Docker;
  private readonly timeoutMs: number;

  constructor(options: DockerContainerEngineOptions = {}) {
    this.docker = options.docker ?? new Docker();
    this.timeoutMs = options.callTimeoutMs ?? 15_000;
  }

  async ping(): Promise<void> {
    await withTimeout({ what: 'ping', timeoutMs: this.timeoutMs }, (abortSignal) =>
      // @types/dockerode lags dockerode 5, whose ping takes options with an abortSignal
      (this.docker.ping as unknown as (opts: { abortSignal: AbortSignal }) => Promise<unknown>).call(this.docker, { abortSignal }),
    );
  }

  async startAttached(spec: Record<string, unknown>): Promise<{ id: string; streams: WorkerStreams }> {
    const container = await withTimeout({ what: 'create container', timeoutMs: this.timeoutMs }, (abortSignal) =>
      this.docker.createContainer({ ...(spec as Docker.ContainerCreateOptions), abortSignal } as Docker.ContainerCreateOptions),
    );
    try {
      // attach before start, so that no byte of output is lost; hijack for a real duplex (FACTS.md)
      const raw = (await withTimeout({ what: 'attach', timeoutMs: this.timeoutMs }, () =>
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
      await withTimeout({ what: 'start container', timeoutMs: this.timeoutMs }, (abortSignal) => container.start({ abortSignal }));
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
      await withTimeout({ what: 'remove container', timeoutMs: this.timeoutMs }, (abortSignal) =>
        this.docker.getContainer(id).remove({ force: true, v: true, abortSignal }),
      );
    } catch (error) {
      if (isNotFound(error)) return;
      // "removal already in progress" is a success for us
      if (/already in progress/.test(String((error as Error).message))) return;
      throw error;
    }
  }

  async list(labels: Record<string, string>): Promise<ManagedContainer[]> {
    const filters = { label: Object.entries(labels).map(([k, v]) => `${k}=${v}`) };
    const found = await withTimeout({ what: 'list containers', timeoutMs: this.timeoutMs }, (abortSignal) =>
      this.docker.listContainers({ all: true, filters, abortSignal }),
    );
    return found.map((c) => ({ id: c.Id, labels: c.Labels ?? {}, state: c.State }));
  }

  async imageExists(reference: string): Promise<boolean> {
    try {
      await withTimeout({ what: 'inspect image', timeoutMs: this.timeoutMs }, (abortSignal) => this.docker.getImage(reference).inspect({ abortSignal } as Docker.ImageInspectOptions));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }
}
