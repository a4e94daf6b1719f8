/**
 * Which image a run (or a runtime lookup) needs, and getting it: a reference named by the request,
 * else one already built (the builder's fast path, then cached here: tags are content-addressed, so
 * a reference found once stays right), else a build job the run waits for, boundedly.
 */

import { CoderingError, type ErrorCode } from '../../errors';
import type { Catalogue, ResolvedRuntime } from '../../factory/catalogue';
import { resolveRuntime } from '../../factory/resolve';
// One way only: images/ uses jobs/ to build what is missing; jobs/ knows nothing of images/.
import type { BuildJobs } from '../jobs';
import type { ImageSource } from './image-source';
import { resolveTarget, type RuntimeTarget } from './runtime-target';

/**
 * Job errors a run answers with their own code rather than `build_failed`: on the nuclio platform a
 * job deploys a function, and "not deployed anywhere" or "its function failed" must say so.
 */
const KEPT_JOB_ERRORS: readonly ErrorCode[] = ['not_deployed', 'deploy_failed'];

export interface ImageRef {
  reference: string;
  digest: string | null;
}

export interface LocatedImage {
  target: RuntimeTarget;
  /** What the client asked for (`python@3`, or the image reference). */
  requested: string;
  /** Known when the request named a built image. */
  image?: ImageRef;
}

export interface RunImagesOptions {
  catalogue: Catalogue;
  builder: ImageSource;
  jobs: BuildJobs;
  buildWaitMs: number;
}

export class RunImages {
  private readonly known = new Map<string, ImageRef>();

  constructor(private readonly options: RunImagesOptions) {}

  /** Resolves `runtime` (+ libraries) or a built `image` reference. Throws 4xx; touches nothing. */
  locate(input: { runtime?: string; image?: string; libraries?: string[] }): LocatedImage {
    if (input.image !== undefined) {
      if (input.runtime !== undefined || (input.libraries ?? []).length > 0) {
        throw new CoderingError('invalid_request', 'give either image or runtime (+ libraries), not both', {
          field: 'image',
        });
      }
      const job = this.options.jobs.findByImage(input.image);
      if (job?.image == null) {
        throw new CoderingError('not_found', `image ${input.image} was not built by this service`, {
          image: input.image,
        });
      }
      const resolved: ResolvedRuntime = resolveRuntime(this.options.catalogue, job.runtimeId);
      return {
        target: { resolved, libraries: job.libraries, key: job.key },
        requested: input.image,
        image: { reference: job.image.reference, digest: job.image.digest },
      };
    }
    if (input.runtime === undefined) {
      throw new CoderingError('invalid_request', 'runtime (or image) is required', { field: 'runtime' });
    }
    return { target: resolveTarget(this.options.catalogue, input.runtime, input.libraries), requested: input.runtime };
  }

  /** The image if already built, without building. */
  async findBuilt(target: RuntimeTarget): Promise<ImageRef | null> {
    const known = this.known.get(target.key);
    if (known !== undefined) return known;
    const built = await this.options.builder.findImage?.({ runtime: target.resolved.id, libraries: target.libraries });
    if (built == null) return null;
    return this.remember(target, { reference: built.reference, digest: built.digest });
  }

  /**
   * The image, building it first if needed. The wait is bounded by `waitMs` (default `buildWaitMs`,
   * what a run's client can bear); the build goes on after it. Infinity waits for the build.
   */
  async ensure(located: LocatedImage, signal?: AbortSignal, waitMs = this.options.buildWaitMs): Promise<ImageRef> {
    if (located.image !== undefined) return located.image;
    const built = await this.findBuilt(located.target);
    if (built !== null) return built;
    const { job } = this.options.jobs.submit(located.target, located.requested);
    const done = await this.options.jobs.waitFor(job.id, waitMs, signal);
    if (done.state !== 'succeeded' || done.image === null) {
      const code = KEPT_JOB_ERRORS.find((kept) => kept === done.error?.code);
      if (code !== undefined) {
        // not a build that failed: the image exists nowhere to be had, or its function failed (nuclio)
        throw new CoderingError(code, done.error?.message ?? code, { ...done.error?.details, jobId: done.id });
      }
      throw new CoderingError(
        'build_failed',
        `the image for ${located.target.key} could not be built: ${done.error?.message ?? 'unknown error'}`,
        { jobId: done.id, cause: done.error },
      );
    }
    return this.remember(located.target, { reference: done.image.reference, digest: done.image.digest });
  }

  private remember(target: RuntimeTarget, image: ImageRef): ImageRef {
    this.known.set(target.key, image);
    return image;
  }
}
