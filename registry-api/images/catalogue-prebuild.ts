/**
 * `CODERING_PREBUILD=all`: once the API serves and its default runtimes are warm, every version of
 * the whole catalogue is built in the background, so that no student waits for a build in class.
 *
 * Each runtime goes through `RunImages.ensure`, the path a run for an unbuilt runtime takes: a
 * normal build job (listed by `GET /v1/images/jobs`, resumed after a restart), found instead when
 * already built. One at a time, each waited for before the next is submitted: the prebuild never
 * holds more than one place in the build queue, so a student's build waits behind one build at
 * most. A failure is logged and the next runtime goes on; closing the app (the signal) stops it.
 */

import { everyVersion, type Catalogue } from '../../factory/catalogue';
import type { RunImages } from './run-images';

export interface CataloguePrebuildOptions {
  catalogue: Catalogue;
  images: RunImages;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

export interface PrebuildSummary {
  total: number;
  /** Built by this prebuild. */
  built: string[];
  /** Found already built. */
  cached: string[];
  failed: { runtime: string; message: string }[];
  /** The signal aborted (the app closed) before the end. */
  stopped: boolean;
}

export class CataloguePrebuild {
  constructor(private readonly options: CataloguePrebuildOptions) {}

  /** Every version of every runtime (`go@1.19.8`), in the catalogue's order: by language, newest first. */
  specs(): string[] {
    return everyVersion(this.options.catalogue).map((version) => version.spec);
  }

  async run(signal: AbortSignal): Promise<PrebuildSummary> {
    const { images, log } = this.options;
    const specs = this.specs();
    const summary: PrebuildSummary = { total: specs.length, built: [], cached: [], failed: [], stopped: false };
    log.info({ total: specs.length }, `prebuilding the catalogue: ${specs.length} runtimes, one at a time`);
    for (const [index, spec] of specs.entries()) {
      if (signal.aborted) break;
      const position = `${index + 1}/${specs.length}`;
      try {
        const located = images.locate({ runtime: spec });
        const found = await images.findBuilt(located.target);
        // No bound on the wait: no client is waiting, and the builder's deadlines bound the build.
        const image = found ?? (await images.ensure(located, signal, Infinity));
        (found === null ? summary.built : summary.cached).push(spec);
        const how = found === null ? '' : ' (cached)';
        log.info({ runtime: spec, image: image.reference, cached: found !== null }, `prebuilt ${position} ${spec}${how}`);
      } catch (error) {
        if (signal.aborted) break;
        const message = error instanceof Error ? error.message : String(error);
        summary.failed.push({ runtime: spec, message });
        log.warn({ runtime: spec, error: message }, `prebuild ${position} ${spec} failed: ${message}`);
      }
    }
    summary.stopped = signal.aborted;
    if (summary.stopped) {
      const done = summary.built.length + summary.cached.length + summary.failed.length;
      log.info({ done, total: specs.length }, `prebuild stopped after ${done}/${specs.length}: the API is closing`);
    } else {
      log.info(
        { built: summary.built.length, cached: summary.cached.length, failed: summary.failed.length },
        `prebuild done: ${summary.built.length} built, ${summary.cached.length} cached, ${summary.failed.length} failed`,
      );
    }
    return summary;
  }
}
