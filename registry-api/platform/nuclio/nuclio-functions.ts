/**
 * The API's picture of the project's functions, read from the Nuclio dashboard and refreshed
 * periodically: which function serves which runtime (+ libraries), the image it runs, its state, and
 * how many events it can take at once. The image source finds functions here, the platform its slots.
 *
 * How many at once: a replica runs one event per HTTP worker (our functions have one) and answers 503
 * at once past that. The dashboard does not report ready replicas (its function `status` has none),
 * but it names a function's pods (`GET /api/functions/<name>/replicas`); a function in state `ready`
 * has its Deployment available. So a ready function's slots are its pods (bounded by `maxReplicas`)
 * × workers per replica, and none otherwise. Pods are counted only for the functions the platform
 * uses (`watch`): one request each per refresh. During a rollout the pod list may count a replica
 * that is not ready yet; the 503 it then answers is taken as "busy", never as a failure.
 */

import {
  CONTENT_TAG_LABEL,
  imageKeyOf,
  imageNameOf,
  LIBRARIES_ANNOTATION,
  RUNTIME_ID_ANNOTATION,
  SERVED_IMAGE_ANNOTATION,
} from '../../../factory/nuclio';
import type { DashboardFunction, NuclioDashboard } from './nuclio-dashboard';

export interface FunctionRecord {
  name: string;
  /** The image key (`python@3.11.2+requests==2.31.0`) the function says it serves. */
  key: string;
  runtimeId: string;
  libraries: string[];
  /** `spec.image` as Nuclio has it: the served image with Nuclio's processor ('' when absent). */
  image: string;
  /** The content-tagged image the function serves, without registry (`codering/python:3.11.2-<hash>`), when it says. */
  served: string | null;
  contentTag: string | null;
  /** `status.state`, or `unknown`. */
  state: string;
  message: string;
  minReplicas: number;
  maxReplicas: number;
  workersPerReplica: number;
  /** Pods at the last refresh, for watched functions; null when not counted (yet). */
  replicas: number | null;
}

export interface NuclioFunctionsOptions {
  dashboard: NuclioDashboard;
  /** Period of the background refresh. */
  refreshMs: number;
  log?: { warn(obj: object, msg: string): void };
}

/** States in which a function takes events (or did, and may again without us: `unhealthy`). */
const RANK: Record<string, number> = { ready: 0, unhealthy: 1, error: 3 };

export class NuclioFunctions {
  private records = new Map<string, FunctionRecord>();
  /**
   * Function name by every image it was seen with (`spec.image`, and the served image under any
   * registry is matched by its path): a reference handed out before a redeploy still finds it.
   */
  private readonly imageNames = new Map<string, string>();
  private readonly watched = new Set<string>();
  private readonly listeners = new Set<() => void>();
  private readonly warnedDuplicates = new Set<string>();
  private refreshing: Promise<void> | undefined;
  private refreshedAt = Number.NEGATIVE_INFINITY;
  private lastAnswered = false;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: NuclioFunctionsOptions) {}

  /** Refreshes now and then every `refreshMs`, until `close`. Failures are remembered, not thrown. */
  start(): void {
    if (this.timer !== undefined || this.closed) return;
    const tick = (): void => {
      void this.refresh()
        .catch(() => undefined)
        .finally(() => {
          if (this.closed) return;
          this.timer = setTimeout(tick, this.options.refreshMs);
          this.timer.unref();
        });
    };
    tick();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  /** Whether the dashboard answered the last refresh. */
  get answered(): boolean {
    return this.lastAnswered;
  }

  /** Reads the functions again (one refresh at a time: callers in between share it). Rejects when the dashboard fails. */
  refresh(): Promise<void> {
    this.refreshing ??= this.read().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /** Refreshes unless the last good refresh is younger than `maxAgeMs`. */
  async refreshIfOlder(maxAgeMs: number): Promise<void> {
    if (Date.now() - this.refreshedAt >= maxAgeMs) await this.refresh();
  }

  /** The function serving `key`: a ready one first, when several do. */
  find(key: string): FunctionRecord | undefined {
    const candidates = [...this.records.values()].filter((record) => record.key === key);
    candidates.sort((a, b) => rank(a) - rank(b) || this.slots(b) - this.slots(a) || (a.name < b.name ? -1 : 1));
    if (candidates.length > 1 && !this.warnedDuplicates.has(key)) {
      this.warnedDuplicates.add(key);
      this.options.log?.warn(
        { key, functions: candidates.map((record) => record.name) },
        `${candidates.length} functions serve ${key}; using ${candidates[0]?.name} (delete the others once unused)`,
      );
    }
    return candidates[0];
  }

  byName(name: string): FunctionRecord | undefined {
    return this.records.get(name);
  }

  /** The function that serves or runs `image` (by any registry for a served image), now or at an earlier refresh. */
  nameForImage(image: string): string | undefined {
    return this.imageNames.get(image) ?? this.imageNames.get(servedName(image));
  }

  /** Counts this function's pods at every refresh from now on. */
  watch(name: string): void {
    this.watched.add(name);
  }

  /** Events the function takes at once: a ready function's pods (≤ maxReplicas) × workers per replica. */
  slots(record: FunctionRecord): number {
    if (record.state !== 'ready') return 0;
    const replicas = Math.min(Math.max(record.replicas ?? record.minReplicas, 1), Math.max(record.maxReplicas, 1));
    return replicas * record.workersPerReplica;
  }

  /** Records a function just read by other means (a deploy's polling) without waiting for a refresh. */
  upsert(fn: DashboardFunction): FunctionRecord | undefined {
    const record = toRecord(fn, this.records.get(fn.metadata.name)?.replicas ?? null);
    if (record === undefined) return undefined;
    this.records.set(record.name, record);
    this.remember(record);
    this.emit();
    return record;
  }

  /** Called after every refresh (and upsert): the platform resizes its slots. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async read(): Promise<void> {
    let listed: DashboardFunction[];
    try {
      listed = await this.options.dashboard.listFunctions();
    } catch (error) {
      this.lastAnswered = false;
      this.emit();
      throw error;
    }
    const records = new Map<string, FunctionRecord>();
    for (const fn of listed) {
      const record = toRecord(fn, this.records.get(fn.metadata.name)?.replicas ?? null);
      if (record !== undefined) records.set(record.name, record);
    }
    await Promise.all(
      [...this.watched]
        .filter((name) => records.get(name)?.state === 'ready')
        .map(async (name) => {
          const names = await this.options.dashboard.replicaNames(name).catch(() => undefined);
          const record = records.get(name);
          // a failed count keeps the previous one: one slow answer must not empty a function
          if (record !== undefined && names != null) record.replicas = names.length;
        }),
    );
    this.records = records;
    for (const record of records.values()) this.remember(record);
    this.refreshedAt = Date.now();
    this.lastAnswered = true;
    this.emit();
  }

  private remember(record: FunctionRecord): void {
    if (record.image !== '') this.imageNames.set(record.image, record.name);
    if (record.served !== null) this.imageNames.set(record.served, record.name);
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}

function rank(record: FunctionRecord): number {
  return RANK[record.state] ?? 2;
}

/**
 * Ours (it says which runtime it serves: nuclio-function-spec.ts, function-identity.ts) as a record;
 * undefined for any other function of the project.
 */
function toRecord(fn: DashboardFunction, replicas: number | null): FunctionRecord | undefined {
  const annotations = fn.metadata.annotations ?? {};
  const runtimeId = annotations[RUNTIME_ID_ANNOTATION];
  if (runtimeId === undefined || !runtimeId.includes('@')) return undefined;
  const libraries = (annotations[LIBRARIES_ANNOTATION] ?? '').split(' ').filter((spec) => spec !== '');
  const spec = fn.spec ?? {};
  const http = Object.values(spec.triggers ?? {}).find((trigger) => trigger.kind === 'http');
  const minReplicas = spec.minReplicas ?? spec.replicas ?? 1;
  return {
    name: fn.metadata.name,
    key: imageKeyOf(runtimeId, libraries),
    runtimeId,
    libraries,
    image: spec.image ?? '',
    served: annotations[SERVED_IMAGE_ANNOTATION] ?? null,
    contentTag: fn.metadata.labels?.[CONTENT_TAG_LABEL] ?? null,
    state: fn.status?.state ?? 'unknown',
    message: fn.status?.message ?? '',
    minReplicas,
    maxReplicas: spec.maxReplicas ?? minReplicas,
    workersPerReplica: Math.max(1, http?.numWorkers ?? 1),
    replicas,
  };
}

/** How a function's served-image annotation writes an image: `codering/python:3.11.2-…`, no registry, no digest. */
function servedName(image: string): string {
  try {
    const { repository, tag } = imageNameOf(image);
    return `${repository}:${tag}`;
  } catch {
    return image;
  }
}
