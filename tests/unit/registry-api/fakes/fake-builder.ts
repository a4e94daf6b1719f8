/** A builder that "builds" in a few ms, reports progress, and can be told to fail. */

import { CoderingError } from '../../../../errors';
import type { BuildProgress, BuiltImage, ImageRequest } from '../../../../factory/builder';
import type { ImageSource } from '../../../../registry-api/images';

export class FakeBuilder implements ImageSource {
  readonly built = new Map<string, BuiltImage>();
  readonly calls: ImageRequest[] = [];
  buildMs = 5;
  failWith: Error | undefined;
  /** Runtime ids (`c@12.2.0`) whose builds fail with `buildFailure()`, the others succeed. */
  readonly failing = new Set<string>();
  /** Builds running now, and the most that ever ran at once. */
  running = 0;
  maxRunning = 0;
  /** Set to make every build wait for `release()`. */
  private gate: Promise<void> | undefined;
  private openGate: (() => void) | undefined;

  hold(): void {
    this.gate = new Promise((resolve) => (this.openGate = resolve));
  }

  release(): void {
    this.openGate?.();
    this.gate = undefined;
  }

  /** Marks an image as already built (the fast path finds it). */
  preBuild(runtimeId: string, libraries: string[] = []): BuiltImage {
    const image = imageFor(runtimeId, libraries, true);
    this.built.set(key(runtimeId, libraries), image);
    return image;
  }

  async findImage(request: ImageRequest): Promise<BuiltImage | null> {
    return this.built.get(key(request.runtime, request.libraries)) ?? null;
  }

  async ensureImage(request: ImageRequest, onProgress?: (progress: BuildProgress) => void): Promise<BuiltImage> {
    this.calls.push(request);
    this.running += 1;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      return await this.build(request, onProgress);
    } finally {
      this.running -= 1;
    }
  }

  private async build(request: ImageRequest, onProgress?: (progress: BuildProgress) => void): Promise<BuiltImage> {
    onProgress?.({ stage: 'runtime', step: 1, total: 2, message: 'RUN apt-get install' });
    if (this.gate !== undefined) await this.gate;
    await new Promise((resolve) => setTimeout(resolve, this.buildMs));
    if (this.failWith !== undefined) throw this.failWith;
    if (this.failing.has(request.runtime)) throw buildFailure();
    onProgress?.({ stage: 'runtime', step: 2, total: 2, message: 'COPY runtime.sh' });
    const image = imageFor(request.runtime, request.libraries, false);
    this.built.set(key(request.runtime, request.libraries), image);
    return image;
  }
}

export function buildFailure(): CoderingError {
  return new CoderingError('build_failed', 'step 3/5 failed: E: Unable to locate package nope', { step: 3 });
}

function key(runtime: string, libraries: string[]): string {
  return [runtime, ...libraries].join('+');
}

function imageFor(runtimeId: string, libraries: string[], cached: boolean): BuiltImage {
  const [language, version] = runtimeId.split('@') as [string, string];
  const suffix = libraries.length === 0 ? '' : `-x${libraries.length}`;
  return {
    runtimeId,
    reference: `127.0.0.1:5000/codering/${language}:${version}${suffix}`,
    digest: 'sha256:0123',
    cached,
    libraries,
  };
}
