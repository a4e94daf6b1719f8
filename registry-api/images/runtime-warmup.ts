/**
 * Start-up warming of the default runtimes: their images are found or built (through build jobs, so
 * a restart resumes them) and their pools started, so that the first runs of a class do not pay for
 * it. Readiness waits for this; a runtime that cannot be warmed says why in `/readyz`.
 */

import type { Platform } from '../platform';
import type { RunImages } from './run-images';

export type WarmState = 'pending' | 'warm' | `failed: ${string}`;

export interface RuntimeWarmupOptions {
  images: RunImages;
  platform: Platform;
  warmFloor: number;
  log: { info(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

export class RuntimeWarmup {
  private readonly states = new Map<string, WarmState>();

  constructor(private readonly options: RuntimeWarmupOptions) {}

  /** Spec → state, for `/readyz`. */
  state(): Record<string, WarmState> {
    return Object.fromEntries(this.states);
  }

  async warm(specs: readonly string[]): Promise<void> {
    for (const spec of specs) this.states.set(spec, 'pending');
    // One after the other: builds are queued one at a time anyway, and pools share two cores.
    for (const spec of specs) {
      try {
        const located = this.options.images.locate({ runtime: spec });
        const image = await this.options.images.ensure(located);
        await this.options.platform.warm(image.reference, this.options.warmFloor);
        this.states.set(spec, 'warm');
        this.options.log.info({ runtime: spec, image: image.reference }, 'runtime warm');
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        this.states.set(spec, `failed: ${message}`);
        this.options.log.error({ runtime: spec, err: error }, 'warming a default runtime failed');
      }
    }
  }
}
