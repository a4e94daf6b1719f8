/**
 * The image part of the Docker client: the ImageEngine on the real engine, through dockerode. Every
 * call is bounded by the client's deadlines (see engine-deadlines.ts) and every failure becomes one of
 * the error catalogue's codes. The engine's streaming endpoints (build, push, pull) answer HTTP 200 and
 * then report failures as `{error}` events: those are looked for explicitly, because dockerode's
 * followProgress ends with err === null.
 */
import type Docker from 'dockerode';
import type { Readable } from 'node:stream';
import { CoderingError } from '../../errors';
import type { EngineDeadlines } from './engine-deadlines';
import { engineError, engineMessage, eventError, statusOf } from './engine-error';
import { parseImageReference, repositoryOf } from './image-reference';
import type {
  BuildImageOptions,
  BuildResult,
  CallOptions,
  EngineEvent,
  EngineImage,
  ImageEngine,
  PushResult,
  RegistryAuth,
  RemoveOutcome,
  StreamCallOptions,
} from './image-engine';

export class ImageClient implements ImageEngine {
  /** Built by DockerClient, which owns the dockerode instance and the deadlines. */
  constructor(
    readonly docker: Docker,
    private readonly deadlines: EngineDeadlines,
  ) {}

  private short<T>(what: string, options: CallOptions | undefined, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return this.deadlines.short(what, options, async (signal) => {
      try {
        return await call(signal);
      } catch (error) {
        throw engineError(signal.aborted ? (signal.reason ?? error) : error, what);
      }
    });
  }

  /**
   * Follows a progress stream to its end, collecting `{error}` events. Resolves with every event; the
   * caller decides what an error event means (a failed build, a refused push, a missing tag).
   */
  private follow(stream: Readable, onEvent: ((event: EngineEvent) => void) | undefined): Promise<EngineEvent[]> {
    return new Promise((resolve, reject) => {
      this.docker.modem.followProgress(
        stream,
        (error: Error | null, events: EngineEvent[]) => (error ? reject(error) : resolve(events)),
        (event: EngineEvent) => {
          try {
            onEvent?.(event);
          } catch {
            // A progress observer's bug must not break the build it observes.
          }
        },
      );
    });
  }

  async ping(options?: CallOptions): Promise<void> {
    await this.short('ping the engine', options, (abortSignal) =>
      // Typed without options, but dockerode's ping takes { abortSignal }.
      (this.docker.ping as unknown as (options: object) => Promise<unknown>).call(this.docker, { abortSignal }),
    );
  }

  async inspectImage(reference: string, options?: CallOptions): Promise<EngineImage | null> {
    return this.short(`inspect image ${reference}`, options, async (abortSignal) => {
      try {
        // Image inspect ignores abortSignal in dockerode 5: the deadline still rejects the call.
        const info: Docker.ImageInspectInfo = await this.docker.getImage(reference).inspect({ abortSignal } as Docker.ImageInspectOptions);
        return {
          id: info.Id,
          tags: info.RepoTags ?? [],
          labels: info.Config?.Labels ?? {},
          created: Math.floor(Date.parse(info.Created) / 1000),
          size: info.Size,
        };
      } catch (error) {
        if (statusOf(error) === 404) return null;
        throw error;
      }
    });
  }

  async buildImage(context: Buffer, tag: string, options: BuildImageOptions = {}): Promise<BuildResult> {
    const what = `build ${tag}`;
    return this.deadlines.long(what, options, async (abortSignal) => {
      let stream: Readable;
      try {
        stream = (await this.docker.buildImage(context as unknown as NodeJS.ReadableStream, {
          t: tag,
          labels: options.labels,
          buildargs: options.buildArgs,
          nocache: options.noCache ?? false,
          // The classic builder builds the stages up to the target only (and adds the labels to it).
          ...(options.target === undefined ? {} : { target: options.target }),
          // Intermediate containers go even when a step fails; intermediate images are the
          // builder's to clean (they are the layer cache when the build succeeds).
          rm: true,
          forcerm: true,
          abortSignal,
        } as Docker.ImageBuildOptions)) as unknown as Readable;
      } catch (error) {
        throw engineError(error, what);
      }
      let imageId: string | null = null;
      let failure: string | null = null;
      try {
        await this.follow(stream, (event) => {
          failure ??= eventError(event);
          if (event.aux?.ID) imageId = event.aux.ID;
          options.onEvent?.(event);
        });
      } catch (error) {
        throw engineError(abortSignal.aborted ? (abortSignal.reason ?? error) : error, what);
      }
      if (failure !== null) {
        throw new CoderingError('build_failed', `${what}: ${failure}`, { engineMessage: failure, tag });
      }
      if (imageId === null) {
        // Engines that send no aux ID (BuildKit-less older ones): the tag says what was built.
        const built = await this.inspectImage(tag, { signal: options.signal });
        if (!built) throw new CoderingError('build_failed', `${what}: the engine reported no image`, { tag });
        imageId = built.id;
      }
      return { imageId };
    });
  }

  async tagImage(source: string, target: string, options?: CallOptions): Promise<void> {
    const ref = parseImageReference(target);
    await this.short(`tag ${source} as ${target}`, options, (abortSignal) =>
      this.docker.getImage(source).tag({ repo: repositoryOf(ref), tag: ref.tag || 'latest', abortSignal }),
    );
  }

  async pushImage(reference: string, auth: RegistryAuth | null, options: StreamCallOptions = {}): Promise<PushResult> {
    const what = `push ${reference}`;
    const ref = parseImageReference(reference);
    return this.deadlines.long(what, options, async (abortSignal) => {
      let stream: Readable;
      try {
        stream = (await this.docker.getImage(repositoryOf(ref)).push({
          tag: ref.tag || 'latest',
          // Some daemons refuse a push without an X-Registry-Auth header at all: send `{}` then.
          authconfig: auth ?? {},
          abortSignal,
        })) as unknown as Readable;
      } catch (error) {
        throw engineError(error, what);
      }
      let digest: string | null = null;
      let failure: string | null = null;
      try {
        await this.follow(stream, (event) => {
          failure ??= eventError(event);
          if (event.aux?.Digest) digest = event.aux.Digest;
          options.onEvent?.(event);
        });
      } catch (error) {
        throw engineError(abortSignal.aborted ? (abortSignal.reason ?? error) : error, what);
      }
      if (failure !== null) {
        throw new CoderingError('registry_unavailable', `${what}: ${failure}`, {
          engineMessage: failure,
          reference,
        });
      }
      return { digest };
    });
  }

  async pullImage(reference: string, auth: RegistryAuth | null, options: StreamCallOptions = {}): Promise<boolean> {
    const what = `pull ${reference}`;
    const notFound = (message: string) => /not found|manifest unknown|does not exist/i.test(message);
    return this.deadlines.long(what, options, async (abortSignal) => {
      let stream: Readable;
      try {
        stream = (await this.docker.pull(reference, { authconfig: auth ?? undefined, abortSignal })) as Readable;
      } catch (error) {
        const status = statusOf(error);
        const message = engineMessage(error);
        if (status === 404 || notFound(message)) return false;
        throw engineError(error, what);
      }
      let failure: string | null = null;
      try {
        await this.follow(stream, (event) => {
          failure ??= eventError(event);
          options.onEvent?.(event);
        });
      } catch (error) {
        throw engineError(abortSignal.aborted ? (abortSignal.reason ?? error) : error, what);
      }
      if (failure !== null) {
        if (notFound(failure)) return false;
        throw new CoderingError('registry_unavailable', `${what}: ${failure}`, { engineMessage: failure, reference });
      }
      return true;
    });
  }

  async removeImage(reference: string, options?: CallOptions & { force?: boolean }): Promise<RemoveOutcome> {
    return this.short(`remove image ${reference}`, options, async (abortSignal) => {
      try {
        await this.docker.getImage(reference).remove({ force: options?.force ?? false, abortSignal });
        return 'removed';
      } catch (error) {
        if (statusOf(error) === 404) return 'missing';
        if (statusOf(error) === 409) return 'in_use';
        throw error;
      }
    });
  }

  async listImages(
    labels: Record<string, string>,
    options?: CallOptions & { dangling?: boolean },
  ): Promise<EngineImage[]> {
    const label = Object.entries(labels).map(([key, value]) => (value === '' ? key : `${key}=${value}`));
    const filters: Record<string, string[]> = { label };
    if (options?.dangling !== undefined) filters.dangling = [String(options.dangling)];
    return this.short('list images', options, async (abortSignal) => {
      const images: Docker.ImageInfo[] = await this.docker.listImages({
        filters: JSON.stringify(filters),
        abortSignal,
      } as Docker.ListImagesOptions);
      return images.map((image) => ({
        id: image.Id,
        tags: (image.RepoTags ?? []).filter((tag: string) => tag !== '<none>:<none>'),
        labels: image.Labels ?? {},
        created: image.Created,
        size: image.Size,
      }));
    });
  }
}
