/**
 * Start-up warming of the default runtimes: their images are found or built (through build jobs, so
 * a restart resumes them) and their pools started, so that the first runs of a class do not pay for
 * it. Readiness waits for this; a runtime that cannot be warmed says why in `/readyz`.
 *
 * With `retryFailedMs` (the nuclio platform), a runtime that failed is tried again every so often:
 * there a failure is a function not ready yet or not deployed yet, which the cluster or its operator
 * mends without restarting the API. A retry only looks for an image that exists now (no new job: a
 * job a minute would fill the job list); locally a failure is a failed build, which retrying would
 * only repeat, so there is none.
 */

import type { Platform } from '../platform';
import type { ImageRef, RunImages } from './run-images';

export type WarmState = 'pending' | 'warm' | `failed: ${string}`;

export interface RuntimeWarmupOptions {
  images: RunImages;
  platform: Platform;
  warmFloor: number;
  log: { info(obj: object, msg: string): void; error(obj: object, msg: string): void };
  /** Tries the failed runtimes again after this long, until they are warm or `close`. */
  retryFailedMs?: number;
}

export class RuntimeWarmup {
  private readonly states = new Map<string, WarmState>();
  private retry: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: RuntimeWarmupOptions) {}

  /** Spec → state, for `/readyz`. */
  state(): Record<string, WarmState> {
    return Object.fromEntries(this.states);
  }

  async warm(specs: readonly string[]): Promise<void> {
    for (const spec of specs) this.states.set(spec, 'pending');
    // One after the other: builds are queued one at a time anyway, and pools share two cores.
    for (const spec of specs) await this.warmOne(spec, true);
    this.scheduleRetry();
  }

  /** Stops the retries. */
  close(): void {
    this.closed = true;
    clearTimeout(this.retry);
  }

  private async warmOne(spec: string, build: boolean): Promise<void> {
    const { images, platform, warmFloor, log } = this.options;
    const before = this.states.get(spec);
    try {
      const located = images.locate({ runtime: spec });
      const image: ImageRef | null = build ? await images.ensure(located) : await images.findBuilt(located.target);
      if (image === null) return; // still nothing to warm: the failure stands as it was
      await platform.warm(image.reference, warmFloor);
      this.states.set(spec, 'warm');
      log.info({ runtime: spec, image: image.reference }, 'runtime warm');
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const state: WarmState = `failed: ${message}`;
      this.states.set(spec, state);
      // a retry that fails the same way is not news
      if (state !== before) log.error({ runtime: spec, err: error }, 'warming a default runtime failed');
    }
  }

  private scheduleRetry(): void {
    const { retryFailedMs } = this.options;
    if (retryFailedMs === undefined || this.closed || this.retry !== undefined) return;
    const failed = (): string[] => [...this.states].filter(([, state]) => state.startsWith('failed')).map(([spec]) => spec);
    if (failed().length === 0) return;
    this.retry = setTimeout(() => {
      void (async () => {
        for (const spec of failed()) if (!this.closed) await this.warmOne(spec, false);
        this.retry = undefined;
        this.scheduleRetry();
      })();
    }, retryFailedMs);
    this.retry.unref();
  }
}
