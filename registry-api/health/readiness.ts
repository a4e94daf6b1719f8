/**
 * Whether runs would be served now, as `/readyz` says it: the engine answers, and every runtime the
 * API warms at start (CODERING_DEFAULT_RUNTIMES; none under CODERING_PREBUILD=none) is warm, that
 * is its image is built and on the engine. On the nuclio platform the engine is the cluster: the
 * dashboard answers and the default runtimes' functions are `ready` (read again at every probe).
 * Pools of other runtimes are not part of it: a run for one builds and starts what it needs, so an
 * idle on-demand pool must not take the service out of its load balancer.
 *
 * A probe comes every few seconds: a change of readiness is logged once, not every answer. Going
 * from ready to not ready is a `warn` (something was lost); starting up, or becoming ready, is `info`.
 */

import type { RuntimeWarmup, WarmState } from '../images';
import type { Platform } from '../platform';

/** A readiness probe must answer quickly even when the engine hangs. */
const ENGINE_TIMEOUT_MS = 2000;

export interface ReadinessReport {
  ready: boolean;
  /** The platform's engine answers. */
  engine: boolean;
  /** Each runtime warmed at start, and its state. */
  runtimes: Record<string, WarmState>;
  /** What is missing, in a sentence; `ready` when nothing is. */
  message: string;
}

export interface ReadinessOptions {
  /** Its `name` says what its engine is, for the message (default: a container engine). */
  platform: Pick<Platform, 'ready'> & Partial<Pick<Platform, 'name'>>;
  warmup: Pick<RuntimeWarmup, 'state'>;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  engineTimeoutMs?: number;
}

export class Readiness {
  /** The last report's message: a probe that says the same as the previous one is not logged. */
  private lastMessage: string | undefined;
  private wasReady = false;

  constructor(private readonly options: ReadinessOptions) {}

  async check(): Promise<ReadinessReport> {
    const engine = await this.engineAnswers();
    const runtimes = this.options.warmup.state();
    const cold = Object.entries(runtimes).filter(([, state]) => state !== 'warm');
    const report: ReadinessReport = {
      ready: engine && cold.length === 0,
      engine,
      runtimes,
      message: describe(engine, cold, this.options.platform.name),
    };
    this.logChange(report);
    return report;
  }

  private async engineAnswers(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), this.options.engineTimeoutMs ?? ENGINE_TIMEOUT_MS);
    });
    try {
      return await Promise.race([this.options.platform.ready().catch(() => false), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private logChange(report: ReadinessReport): void {
    if (report.message === this.lastMessage) return;
    this.lastMessage = report.message;
    const fields = { engine: report.engine, runtimes: report.runtimes };
    if (report.ready) this.options.log.info(fields, 'ready: the engine answers and the default runtimes are warm');
    else if (this.wasReady) this.options.log.warn(fields, report.message);
    else this.options.log.info(fields, report.message);
    this.wasReady = report.ready;
  }
}

function describe(engine: boolean, cold: [spec: string, state: WarmState][], platform: Platform['name'] | undefined): string {
  if (engine && cold.length === 0) return 'ready';
  const parts: string[] = [];
  // the nuclio platform's engine is the cluster, as its dashboard shows it: ready() lists its functions
  if (!engine) {
    parts.push(
      platform === 'nuclio'
        ? "the Nuclio dashboard does not answer, or a default runtime's function is not ready"
        : 'the container engine does not answer',
    );
  }
  if (cold.length > 0) {
    const each = cold.map(([spec, state]) =>
      state === 'pending' ? `${spec} (pending: image not built or pool not started yet)` : `${spec} (${state})`,
    );
    parts.push(`default runtimes not warm: ${each.join(', ')}`);
  }
  return `not ready: ${parts.join('; ')}`;
}
