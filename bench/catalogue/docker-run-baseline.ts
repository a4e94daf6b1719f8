/**
 * The baseline: a fresh hardened container per request, `docker run --rm -i … <image> --once` (the
 * peers' model of bench/run, same image, same proxy, same smoke program), for one hot and one tail
 * version. Its runs are taken in two halves, before and after the c = 1 traffic, so that the
 * baseline and the ours it is compared with see the same drift of this shared machine's load.
 */

import { boundedBatch, emptyBatch, mergeBatch, type BatchResult } from '../run/bounded-batch';
import { summarize, type LatencySummary } from '../run/latency-stats';
import { peerOnceRun } from '../run/peer-once-run';
import type { RankedVersion } from './ranked-catalogue';

export interface BaselineResult {
  spec: string;
  rank: number;
  hot: boolean;
  latency: LatencySummary;
  errors: number;
  errorSamples: string[];
  samples: number[];
}

/**
 * The hot version is the most popular one; the tail one, the most popular version of the tail that
 * has no warm floor, so that its cold starts are the scheduler's and not the floor's.
 */
export function baselineVersions(ranked: readonly RankedVersion[]): RankedVersion[] {
  const hot = ranked[0];
  const tail = ranked.find((version) => !version.hot && !version.floor);
  return [hot, tail].filter((version): version is RankedVersion => version !== undefined);
}

export class DockerRunBaseline {
  private readonly batches = new Map<string, BatchResult<number>>();
  private serial = 0;

  constructor(private readonly versions: readonly RankedVersion[]) {
    for (const version of versions) this.batches.set(version.spec, emptyBatch());
  }

  /** The first `docker run` of an image pays for its layers' first read: not part of the model. */
  async warmUp(): Promise<void> {
    for (const version of this.versions) await boundedBatch(1, 1, () => this.once(version));
  }

  /** `runs` sequential fresh containers per version. */
  async block(runs: number): Promise<void> {
    for (const version of this.versions) mergeBatch(this.batches.get(version.spec) as BatchResult<number>, await boundedBatch(runs, 1, () => this.once(version)));
  }

  results(): BaselineResult[] {
    return this.versions.map((version) => {
      const batch = this.batches.get(version.spec) as BatchResult<number>;
      return {
        spec: version.spec, rank: version.rank, hot: version.hot, latency: summarize(batch.values),
        errors: batch.errors, errorSamples: batch.errorSamples, samples: batch.values,
      };
    });
  }

  private once(version: RankedVersion): Promise<number> {
    this.serial += 1;
    return peerOnceRun(version.reference, version.smoke, `catalogue-once-${this.serial}`);
  }
}
