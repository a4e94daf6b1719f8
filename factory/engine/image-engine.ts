/**
 * What the factory needs from a container engine, and nothing more. dockerode sits behind this
 * interface (see image-client.ts, the image part of docker-client.ts) so that the builder's logic — cache hits, single-flight,
 * cleanup after a failed build — is unit-tested with a fake engine.
 */

/** One JSON object of the engine's progress streams (build, push, pull), as the engine sends it. */
export interface EngineEvent {
  stream?: string;
  status?: string;
  progress?: string;
  id?: string;
  error?: string;
  errorDetail?: { code?: number; message?: string };
  aux?: { ID?: string; Tag?: string; Digest?: string; Size?: number };
}

export interface EngineImage {
  /** `sha256:…`, the image's config digest: the same on every engine that pulled it. */
  id: string;
  /** `repo:tag` references that point at this image. */
  tags: string[];
  labels: Record<string, string>;
  /** Seconds since the epoch (list) or parsed from the ISO date (inspect). */
  created: number;
  size: number;
}

/** Credentials for one registry, as the engine's X-Registry-Auth wants them. */
export interface RegistryAuth {
  username: string;
  password: string;
  serveraddress: string;
}

export interface CallOptions {
  signal?: AbortSignal;
  /** Overrides the engine's default deadline for this call. */
  timeoutMs?: number;
}

export interface StreamCallOptions extends CallOptions {
  /** Every progress event, in order. Must not throw. */
  onEvent?: (event: EngineEvent) => void;
}

export interface BuildImageOptions extends StreamCallOptions {
  /** Labels the engine adds to the final image (a LABEL step appended to the Dockerfile). */
  labels?: Record<string, string>;
  buildArgs?: Record<string, string>;
  /** Ignore the layer cache for this build (the benchmark's cold builds). */
  noCache?: boolean;
  /** The Dockerfile's stage to build (`docker build --target`); the last one when absent. */
  target?: string;
}

export interface BuildResult {
  /** `sha256:…` of the image built and tagged. */
  imageId: string;
}

export interface PushResult {
  /** Manifest digest the engine reported (`aux.Digest`), when it did. */
  digest: string | null;
}

export type RemoveOutcome = 'removed' | 'missing' | 'in_use';

export interface ImageEngine {
  /** Resolves when the engine answers; rejects with `engine_unavailable` / `engine_timeout`. */
  ping(options?: CallOptions): Promise<void>;
  /** The image, or null when the engine has no image by that reference or id. */
  inspectImage(reference: string, options?: CallOptions): Promise<EngineImage | null>;
  /**
   * Builds the tar `context` (a Dockerfile at its root) and tags the result `tag`. A build whose
   * Dockerfile fails rejects with `build_failed` (details.engineMessage): the engine reports that as
   * an `{error}` event on an HTTP 200 stream, never as an HTTP error.
   */
  buildImage(context: Buffer, tag: string, options?: BuildImageOptions): Promise<BuildResult>;
  /** Adds the reference `target` to the image `source` (a reference or an id). */
  tagImage(source: string, target: string, options?: CallOptions): Promise<void>;
  /** Pushes `reference` (`registry/path:tag`); authentication failures are `{error}` events → rejects. */
  pushImage(reference: string, auth: RegistryAuth | null, options?: StreamCallOptions): Promise<PushResult>;
  /** Pulls `reference`; resolves false when the registry has no such tag. */
  pullImage(reference: string, auth: RegistryAuth | null, options?: StreamCallOptions): Promise<boolean>;
  /** Removes a reference or id. Never forced unless asked: an image in use stays and says so. */
  removeImage(reference: string, options?: CallOptions & { force?: boolean }): Promise<RemoveOutcome>;
  /** Images carrying every label given (`{key: value}`; value '' means the key alone). */
  listImages(labels: Record<string, string>, options?: CallOptions & { dangling?: boolean }): Promise<EngineImage[]>;
}
