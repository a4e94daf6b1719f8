/**
 * Image builds as persistent jobs: submitted by `POST /v1/images` (or by a run whose image does not
 * exist yet), queued, built by the factory's builder, their progress stored and streamed.
 *
 * Idempotent by content: while a job for the same canonical runtime + libraries is queued or building,
 * submitting again returns that job. At start-up, jobs a previous process left queued or building are
 * resumed (the builder is idempotent by content tag, so a resumed build reuses what was cached) up to
 * `maxAttempts` starts, then marked failed with a message that says so: a job is never stuck.
 */

import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { CoderingError, isCoderingError } from '../../errors';
import type { BuildProgress, ImageBuilder } from '../../factory/builder';
import { isFinished, type BuildJob, type JobError } from './build-job';
import { BuildQueue } from './build-queue';
import type { BuildTarget } from './build-target';
import type { JobStore } from './job-store';

export interface BuildJobsOptions {
  store: JobStore;
  /** Only `ensureImage` is used: jobs build, finding an image already built is `images/`' part. */
  builder: ImageBuilder;
  concurrency: number;
  queueMax: number;
  maxAttempts: number;
  /** Progress is written to the database at most this often (events are emitted every time). */
  progressWriteMs?: number;
  log?: { info(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

export class BuildJobs {
  private readonly queue: BuildQueue;
  private readonly events = new EventEmitter();
  private readonly options: Required<Omit<BuildJobsOptions, 'log'>> & Pick<BuildJobsOptions, 'log'>;

  constructor(options: BuildJobsOptions) {
    this.options = { progressWriteMs: 250, ...options };
    this.queue = new BuildQueue(options.concurrency, options.queueMax);
    // Many SSE clients may follow one job; the default limit of 10 listeners would only warn.
    this.events.setMaxListeners(0);
  }

  /** Returns the active job for the same content, or a new queued one. */
  submit(target: BuildTarget, requested: string): { job: BuildJob; created: boolean } {
    const active = this.options.store.findActive(target.key);
    if (active !== undefined) return { job: active, created: false };
    const stamp = new Date().toISOString();
    const job: BuildJob = {
      id: randomUUID(),
      state: 'queued',
      runtime: requested,
      runtimeId: target.resolved.id,
      libraries: target.libraries,
      key: target.key,
      progress: null,
      image: null,
      error: null,
      attempts: 0,
      createdAt: stamp,
      updatedAt: stamp,
    };
    // Check for room first: a full queue must not leave a queued row behind that nothing will build.
    this.queue.ensureRoom();
    this.options.store.insert(job);
    this.queue.push(() => this.build(job.id), true);
    return { job, created: true };
  }

  get(id: string): BuildJob | undefined {
    return this.options.store.get(id);
  }

  list(limit: number): BuildJob[] {
    return this.options.store.list(limit);
  }

  findByImage(reference: string): BuildJob | undefined {
    return this.options.store.findByImage(reference);
  }

  counts(): Record<string, number> {
    return this.options.store.counts();
  }

  /** Calls `listener` on every change of job `id` until unsubscribed. */
  subscribe(id: string, listener: (job: BuildJob) => void): () => void {
    this.events.on(id, listener);
    return () => this.events.off(id, listener);
  }

  /**
   * Resolves with the job once finished. Rejects with `not_ready` (the build goes on) after
   * `timeoutMs`, or with `reason` when `signal` aborts. `timeoutMs` Infinity waits as long as the
   * build takes (the builder's own deadlines bound it): for a caller with no client waiting.
   */
  waitFor(id: string, timeoutMs: number, signal?: AbortSignal): Promise<BuildJob> {
    return new Promise((resolve, reject) => {
      const current = this.get(id);
      if (current === undefined) return reject(new CoderingError('not_found', `no build job ${id}`, { id }));
      if (isFinished(current)) return resolve(current);
      const done = (): void => {
        if (timer !== undefined) clearTimeout(timer);
        unsubscribe();
        signal?.removeEventListener('abort', onAbort);
      };
      const onAbort = (): void => {
        done();
        reject(signal?.reason ?? new Error('aborted'));
      };
      // setTimeout would fire an Infinity (or any delay past 2^31 ms) after 1 ms: no timer at all.
      const timer = !Number.isFinite(timeoutMs)
        ? undefined
        : setTimeout(() => {
            done();
            reject(
              new CoderingError(
                'not_ready',
                `the image for ${current.runtimeId} is still building; try again later`,
                { jobId: id, runtime: current.runtimeId },
                { retryAfterSeconds: 30 },
              ),
            );
          }, timeoutMs);
      const unsubscribe = this.subscribe(id, (job) => {
        if (!isFinished(job)) return;
        done();
        resolve(job);
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** At start-up: resume what a previous process left unfinished, or fail it when tried enough. */
  recover(): { resumed: string[]; failed: string[] } {
    const resumed: string[] = [];
    const failed: string[] = [];
    for (const job of this.options.store.unfinished()) {
      if (job.attempts >= this.options.maxAttempts) {
        this.save({
          ...job,
          state: 'failed',
          error: {
            code: 'build_failed',
            message: `the build was interrupted ${job.attempts} times by a restart of the service; request it again`,
            details: { attempts: job.attempts },
          },
        });
        failed.push(job.id);
        continue;
      }
      if (job.state === 'building') this.save({ ...job, state: 'queued' });
      this.queue.push(() => this.build(job.id), true);
      resumed.push(job.id);
    }
    if (resumed.length + failed.length > 0) this.options.log?.info({ resumed, failed }, 'build jobs recovered');
    return { resumed, failed };
  }

  /** Stops starting builds and waits for the running ones. */
  close(): Promise<void> {
    return this.queue.close();
  }

  private async build(id: string): Promise<void> {
    const queued = this.get(id);
    if (queued === undefined || isFinished(queued)) return;
    let job = this.save({ ...queued, state: 'building', attempts: queued.attempts + 1 });
    let lastWrite = 0;
    const onProgress = (progress: BuildProgress): void => {
      job = { ...job, progress };
      const now = Date.now();
      if (now - lastWrite >= this.options.progressWriteMs) {
        lastWrite = now;
        job = this.options.store.update(job);
      }
      this.events.emit(id, job);
    };
    try {
      const built = await this.options.builder.ensureImage(
        { runtime: job.runtimeId, libraries: job.libraries },
        onProgress,
      );
      job = this.save({
        ...job,
        state: 'succeeded',
        image: {
          runtimeId: built.runtimeId,
          reference: built.reference,
          digest: built.digest,
          cached: built.cached,
          libraries: built.libraries,
        },
      });
      this.options.log?.info({ jobId: id, image: built.reference, cached: built.cached }, 'image built');
    } catch (error) {
      job = this.save({ ...job, state: 'failed', error: jobError(error) });
      this.options.log?.error({ jobId: id, err: error }, 'image build failed');
    }
  }

  private save(job: BuildJob): BuildJob {
    const saved = this.options.store.update(job);
    this.events.emit(job.id, saved);
    return saved;
  }
}

/** What a job shows of a failure: the catalogue's code and message, never a stack. */
function jobError(error: unknown): JobError {
  if (isCoderingError(error)) return error.toJSON().error;
  return {
    code: 'build_failed',
    message: `the build failed: ${error instanceof Error ? error.message : String(error)}`,
    details: {},
  };
}
