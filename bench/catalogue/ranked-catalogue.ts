/**
 * The catalogue as the traffic sees it: every runtime version, its image on this engine, its smoke
 * program (the catalogue's own: several files, stdin, arguments, the exact stdout expected) and its
 * place in the popularity ranking.
 */

import { coderingConfig } from '../../config';
import { createImageBuilder, loadCatalogue } from '../../factory';
import { everyVersion, type RuntimeDefinition } from '../../factory/catalogue';
import type { RunCase } from '../run/bench-programs';
import { ensureRuntimeImage, type RuntimeImage } from '../run/runtime-images';
import { CATALOGUE_PLAN } from './catalogue-plan';
import { seededShuffle, zipfShares } from './zipf-traffic';

export interface RankedVersion extends RuntimeImage {
  /** 1 = the most popular. */
  rank: number;
  /** Its share of the requests under the Zipf law. */
  share: number;
  hot: boolean;
  /** A default runtime: the API keeps its floor of warm workers even when it is not used. */
  floor: boolean;
  smoke: RunCase;
}

function smokeCase(definition: RuntimeDefinition, spec: string): RunCase {
  const { smoke } = definition;
  return { label: `${spec} smoke`, files: smoke.files, main: definition.main, stdin: smoke.stdin, args: smoke.args, expectedStdout: smoke.expectedStdout };
}

/** Every version, most popular first; images missing on the engine are built (one at a time). */
export async function rankedCatalogue(): Promise<RankedVersion[]> {
  const catalogue = loadCatalogue();
  const builder = createImageBuilder({ catalogue });
  const floors = new Set(coderingConfig().defaultRuntimes.map((spec) => builder.resolve({ runtime: spec, libraries: [] }).resolved.id));
  const versions = everyVersion(catalogue);
  const ranking = seededShuffle(versions, CATALOGUE_PLAN.rankingSeed);
  const shares = zipfShares(ranking.length, CATALOGUE_PLAN.zipfExponent);
  const ranked: RankedVersion[] = [];
  for (const [index, { definition, spec }] of ranking.entries()) {
    const image = await ensureRuntimeImage(builder, spec);
    ranked.push({
      ...image,
      rank: index + 1,
      share: shares[index] as number,
      hot: index < CATALOGUE_PLAN.hotCount,
      floor: floors.has(image.runtimeId),
      smoke: smokeCase(definition, spec),
    });
  }
  return ranked;
}
