import type { EngineImage, ImageEngine } from '../engine';
import { LABELS } from '../tags';

export interface PruneReport {
  removed: string[];
  /** Older images still used by a container (or by an image built on them). */
  inUse: string[];
  kept: number;
}

/**
 * Content tags never overwrite each other: every change to a template, runtime.sh or the proxy builds
 * new images beside the old ones, and the engine's disk fills over time. For each image the factory
 * builds (one base per suite, one runtime per language version, one exercise per library set, per
 * target), only the newest is kept; the older ones are untagged and removed, never forced.
 */
export async function pruneStaleImages(engine: ImageEngine, options: { dryRun?: boolean } = {}): Promise<PruneReport> {
  const images = await engine.listImages({ [LABELS.managed]: 'true' });
  const groups = new Map<string, EngineImage[]>();
  for (const image of images) {
    const key = groupKey(image);
    if (key === null) continue;
    groups.set(key, [...(groups.get(key) ?? []), image]);
  }
  const report: PruneReport = { removed: [], inUse: [], kept: 0 };
  for (const group of groups.values()) {
    group.sort((a, b) => b.created - a.created);
    report.kept += 1;
    for (const stale of group.slice(1)) {
      for (const tag of stale.tags.filter((t) => !t.endsWith(':<none>') && !t.startsWith('<none>'))) {
        if (options.dryRun) {
          report.removed.push(tag);
          continue;
        }
        const outcome = await engine.removeImage(tag);
        if (outcome === 'in_use') report.inUse.push(tag);
        else report.removed.push(tag);
      }
    }
  }
  return report;
}

/** What makes two images versions of the same thing; null for what the factory didn't build. */
function groupKey(image: EngineImage): string | null {
  const tier = image.labels[LABELS.tier];
  if (!tier || image.tags.length === 0) return null;
  return [
    tier,
    image.labels[LABELS.suite] ?? '',
    image.labels[LABELS.runtime] ?? '',
    image.labels[LABELS.libraries] ?? '',
    image.labels[LABELS.target] ?? '',
    // the same image is tagged twice (local name and registry name): group by repository too
    image.tags.map((tag) => tag.slice(0, tag.lastIndexOf(':'))).sort().join(' '),
  ].join('|');
}
