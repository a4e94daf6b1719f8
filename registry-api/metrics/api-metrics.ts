/**
 * The service's Prometheus metrics, on a registry of our own (not prom-client's global one) so that
 * two apps in one test process never share counters. Pool and job gauges are read on scrape, so they
 * are never stale and cost nothing between scrapes.
 */

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CapacityReport } from '../platform';

export type RaceEvent = 'winner_first' | 'winner_second' | 'fallback' | 'retry' | 'cancelled_loser' | 'busy';

export interface MetricsSources {
  capacity(): CapacityReport;
  jobCounts(): Record<string, number>;
}

export class ApiMetrics {
  readonly registry = new Registry();
  private readonly runs: Counter<'status' | 'runtime'>;
  private readonly runLatency: Histogram<'runtime' | 'mode'>;
  private readonly queueWait: Histogram<'runtime'>;
  private readonly race: Counter<'outcome'>;

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics === true) collectDefaultMetrics({ register: this.registry, prefix: 'codering_' });
    this.runs = new Counter({
      name: 'codering_runs_total',
      help: 'Runs answered, by status (user outcome or our error code) and runtime',
      labelNames: ['status', 'runtime'],
      registers: [this.registry],
    });
    this.runLatency = new Histogram({
      name: 'codering_run_duration_seconds',
      help: 'Total time of a run as the client sees it, by runtime and race mode',
      labelNames: ['runtime', 'mode'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1, 2, 5, 10, 30],
      registers: [this.registry],
    });
    this.queueWait = new Histogram({
      name: 'codering_queue_wait_seconds',
      help: 'Time a run waited for its first worker lease',
      labelNames: ['runtime'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
      registers: [this.registry],
    });
    this.race = new Counter({
      name: 'codering_race_events_total',
      help: 'Race outcomes: which worker won, fallbacks to the other, retries, losers cancelled, attempts again after busy workers',
      labelNames: ['outcome'],
      registers: [this.registry],
    });
  }

  /** Gauges read from the platform and the job store on every scrape. */
  observeSources(sources: MetricsSources): void {
    new Gauge({
      name: 'codering_pool_workers',
      help: 'Workers per image pool, by state',
      labelNames: ['image', 'state'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const pool of sources.capacity().images) {
          for (const state of ['idle', 'busy', 'starting', 'waiting'] as const) {
            this.set({ image: pool.image, state }, pool[state]);
          }
        }
      },
    });
    new Gauge({
      name: 'codering_worker_slots',
      help: 'The host-wide worker budget: slots it holds, and slots in use (alive, starting or being removed)',
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        this.reset();
        const capacity = sources.capacity();
        this.set({ state: 'total' }, capacity.slots);
        this.set({ state: 'in_use' }, capacity.slotsInUse);
      },
    });
    // counted by the platform since it started: monotonic, so exposed as counters
    for (const [field, name, help] of [
      ['coldStarts', 'codering_cold_starts_total', 'Workers started because a run found none free, by image'],
      ['evictions', 'codering_evictions_total', 'Idle workers removed to give their slot to another image, by image'],
      ['retiredUnclean', 'codering_workers_retired_unclean_total', 'Workers retired because they could not be proven clean after a run, by image'],
    ] as const) {
      new Counter({
        name,
        help,
        labelNames: ['image'],
        registers: [this.registry],
        collect() {
          this.reset();
          for (const pool of sources.capacity().images) this.inc({ image: pool.image }, pool[field] ?? 0);
        },
      });
    }
    new Gauge({
      name: 'codering_build_jobs',
      help: 'Image build jobs by state',
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [state, count] of Object.entries(sources.jobCounts())) this.set({ state }, count);
      },
    });
  }

  runFinished(runtime: string, status: string, mode: string, totalMs: number): void {
    this.runs.inc({ status, runtime });
    this.runLatency.observe({ runtime, mode }, totalMs / 1000);
  }

  leaseWaited(runtime: string, ms: number): void {
    this.queueWait.observe({ runtime }, ms / 1000);
  }

  raceEvent(outcome: RaceEvent, count = 1): void {
    if (count > 0) this.race.inc({ outcome }, count);
  }
}
