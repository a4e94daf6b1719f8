/**
 * The one Docker client: the only place a dockerode instance is made, with one set of deadlines
 * shared by its image part (builds, pushes, inspects) and its container part (workers). Split the
 * way testcontainers-node splits its clients, so each caller depends on the small interface it uses
 * (ImageEngine, ContainerEngine) and unit tests fake just that.
 */
import Docker from 'dockerode';
import { ContainerClient } from './container-client';
import { EngineDeadlines, type EngineDeadlineSettings } from './engine-deadlines';
import { ImageClient } from './image-client';

export interface DockerClientOptions extends EngineDeadlineSettings {
  /** An existing dockerode instance (tests); default `new Docker()` (DOCKER_HOST or the socket). */
  docker?: Docker;
}

export class DockerClient {
  readonly docker: Docker;
  readonly images: ImageClient;
  readonly containers: ContainerClient;

  constructor(options: DockerClientOptions) {
    this.docker = options.docker ?? new Docker();
    const deadlines = new EngineDeadlines({ callTimeoutMs: options.callTimeoutMs, buildTimeoutMs: options.buildTimeoutMs });
    this.images = new ImageClient(this.docker, deadlines);
    this.containers = new ContainerClient(this.docker, deadlines, this.images);
  }
}

/** The client with the deadlines of the configuration (CODERING_ENGINE_TIMEOUT_MS, CODERING_BUILD_TIMEOUT_MS). */
export function createDockerClient(settings: { engineTimeoutMs: number; buildTimeoutMs: number }, docker?: Docker): DockerClient {
  return new DockerClient({ docker, callTimeoutMs: settings.engineTimeoutMs, buildTimeoutMs: settings.buildTimeoutMs });
}
