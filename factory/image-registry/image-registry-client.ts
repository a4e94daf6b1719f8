/**
 * A client of the registry's HTTP API (Docker Registry v2, distribution 2.8): what the factory and
 * the CLI need to know without the engine — which repositories and tags exist, and the manifest
 * digest of a tag. Basic auth, a deadline on every request, and every failure of the registry is
 * `registry_unavailable` (with the HTTP status when there was one).
 */
import { CoderingError, isCoderingError } from '../../errors';
import { withTimeout } from '../engine';

export interface ImageRegistryClientOptions {
  /** `127.0.0.1:5000` */
  registry: string;
  scheme?: 'http' | 'https';
  username?: string;
  password?: string | null;
  timeoutMs: number;
  /** Injectable for tests. */
  fetch?: typeof fetch;
}

/** Manifest media types we accept, newest schema first; the digest is of the one the registry returns. */
const MANIFEST_ACCEPT = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
].join(', ');

/** What an image's config says of it (Docker's `inspect`: `.Config.Labels`, `.Created`). */
export interface ImageConfig {
  labels: Record<string, string>;
  /** RFC 3339, as the builder wrote it; null when absent. */
  created: string | null;
}

/** The parts of an image manifest or manifest list we read. */
interface Manifest {
  config?: { digest: string };
  manifests?: { digest: string; platform?: { os?: string; architecture?: string } }[];
}

export interface RepositoryTags {
  name: string;
  tags: string[];
}

export class ImageRegistryClient {
  private readonly base: string;
  private readonly authorization: string | null;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: ImageRegistryClientOptions) {
    this.base = `${options.scheme ?? 'http'}://${options.registry}`;
    this.authorization =
      options.username && options.password
        ? `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`
        : null;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  get registry(): string {
    return this.options.registry;
  }

  private async request(method: 'GET' | 'HEAD' | 'DELETE', path: string, accept?: string, signal?: AbortSignal): Promise<Response> {
    const what = `${method} ${this.base}${path}`;
    return withTimeout({ what, timeoutMs: this.options.timeoutMs, signal, timeoutCode: 'registry_unavailable' }, async (abort) => {
      const headers: Record<string, string> = {};
      if (this.authorization) headers.authorization = this.authorization;
      if (accept) headers.accept = accept;
      let response: Response;
      try {
        response = await this.fetch(`${this.base}${path}`, { method, headers, signal: abort });
      } catch (error) {
        if (isCoderingError(error)) throw error;
        const cause = (error as { cause?: { code?: string } })?.cause?.code ?? (error as Error)?.message;
        throw new CoderingError('registry_unavailable', `${what}: the registry does not answer (${cause})`, {
          registry: this.options.registry,
        }, { cause: error });
      }
      if (response.status === 401 || response.status === 403) {
        await response.body?.cancel();
        throw new CoderingError(
          'registry_unavailable',
          `${what}: the registry refused our credentials (HTTP ${response.status}); check CODERING_REGISTRY_USERNAME/_PASSWORD`,
          { registry: this.options.registry, status: response.status },
        );
      }
      return response;
    });
  }

  private async json<T>(path: string, signal?: AbortSignal): Promise<T | null> {
    const response = await this.request('GET', path, undefined, signal);
    if (response.status === 404) {
      await response.body?.cancel();
      return null;
    }
    if (!response.ok) {
      const body = await response.text().catch(() => '');
      throw new CoderingError('registry_unavailable', `GET ${path}: HTTP ${response.status} ${body.slice(0, 200)}`, {
        registry: this.options.registry,
        status: response.status,
      });
    }
    return (await response.json()) as T;
  }

  /** Resolves when the registry answers `/v2/` with our credentials. */
  async ping(signal?: AbortSignal): Promise<void> {
    const response = await this.request('GET', '/v2/', undefined, signal);
    await response.body?.cancel();
    if (!response.ok) {
      throw new CoderingError('registry_unavailable', `GET /v2/: HTTP ${response.status}`, {
        registry: this.options.registry,
        status: response.status,
      });
    }
  }

  /** Every repository (follows the `Link` pagination of `/v2/_catalog`). */
  async listRepositories(signal?: AbortSignal): Promise<string[]> {
    const names: string[] = [];
    let last = '';
    for (;;) {
      const query = `?n=1000${last ? `&last=${encodeURIComponent(last)}` : ''}`;
      const page = await this.json<{ repositories?: string[] | null }>(`/v2/_catalog${query}`, signal);
      const batch = page?.repositories ?? [];
      names.push(...batch);
      if (batch.length < 1000) break;
      last = batch[batch.length - 1] as string;
    }
    return names.sort();
  }

  /** The tags of a repository: [] for an unknown one, and for one whose tags were all deleted (`"tags": null`). */
  async listTags(repository: string, signal?: AbortSignal): Promise<string[]> {
    const page = await this.json<{ tags?: string[] | null }>(`/v2/${repository}/tags/list`, signal);
    return [...(page?.tags ?? [])].sort();
  }

  /** The manifest digest (`Docker-Content-Digest`) of `repository:tag`, or null when there is no such tag. */
  async manifestDigest(repository: string, tag: string, signal?: AbortSignal): Promise<string | null> {
    const response = await this.request('HEAD', `/v2/${repository}/manifests/${encodeURIComponent(tag)}`, MANIFEST_ACCEPT, signal);
    await response.body?.cancel();
    if (response.status === 404) return null;
    if (!response.ok) {
      throw new CoderingError('registry_unavailable', `HEAD manifest ${repository}:${tag}: HTTP ${response.status}`, {
        registry: this.options.registry,
        status: response.status,
      });
    }
    return response.headers.get('docker-content-digest');
  }

  /**
   * Deletes a manifest by digest (the registry deletes by digest only; every tag on it goes). Needs
   * `storage.delete.enabled` in the registry's config; resolves false when there was no such manifest.
   */
  async deleteManifest(repository: string, digest: string, signal?: AbortSignal): Promise<boolean> {
    const response = await this.request('DELETE', `/v2/${repository}/manifests/${digest}`, undefined, signal);
    await response.body?.cancel();
    if (response.status === 404) return false;
    if (response.status !== 202 && !response.ok) {
      throw new CoderingError('registry_unavailable', `DELETE manifest ${repository}@${digest}: HTTP ${response.status}`, {
        registry: this.options.registry,
        status: response.status,
      });
    }
    return true;
  }

  /**
   * The labels and creation time an image was built with, read from its config blob: what an engine's
   * `inspect` would say, without an engine. Null when there is no such tag. A manifest list (several
   * platforms) is followed to its linux/amd64 image, the one a cluster's nodes run.
   */
  async imageConfig(repository: string, tag: string, signal?: AbortSignal): Promise<ImageConfig | null> {
    let manifest = await this.manifest(repository, tag, signal);
    const listed = manifest?.manifests;
    if (listed !== undefined) {
      const chosen =
        listed.find((entry) => entry.platform?.os === 'linux' && entry.platform.architecture === 'amd64') ?? listed[0];
      manifest = chosen === undefined ? null : await this.manifest(repository, chosen.digest, signal);
    }
    const configDigest = manifest?.config?.digest;
    if (configDigest === undefined) return null;
    const blob = await this.json<{ created?: string; config?: { Labels?: Record<string, string> | null } }>(
      `/v2/${repository}/blobs/${configDigest}`,
      signal,
    );
    if (blob === null) return null;
    return { labels: blob.config?.Labels ?? {}, created: blob.created ?? null };
  }

  private async manifest(repository: string, reference: string, signal?: AbortSignal): Promise<Manifest | null> {
    const path = `/v2/${repository}/manifests/${encodeURIComponent(reference)}`;
    const response = await this.request('GET', path, MANIFEST_ACCEPT, signal);
    if (response.status === 404) {
      await response.body?.cancel();
      return null;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new CoderingError('registry_unavailable', `GET manifest ${repository}:${reference}: HTTP ${response.status}`, {
        registry: this.options.registry,
        status: response.status,
      });
    }
    return (await response.json()) as Manifest;
  }

  /** Every repository with its tags. */
  async listImages(signal?: AbortSignal): Promise<RepositoryTags[]> {
    const repositories = await this.listRepositories(signal);
    return Promise.all(repositories.map(async (name) => ({ name, tags: await this.listTags(name, signal) })));
  }
}
