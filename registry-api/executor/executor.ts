/**
 * Runs a user's program: request → image → leased workers → the race → one result. Depends only on
 * the Platform interface, so every path (winner, fallback, retry, give up) is unit-tested on fakes.
 *
 * What makes the p50 best on a 2-core machine (and why `pair` is still the default):
 * - the workers are warm and resident, so a run costs the interpreter's own start plus ~ms;
 * - a run starts on the first lease that arrives (see race-attempt.ts), never waiting for a pair;
 * - the pair's second copy competes with the first for the two cores only while both run: for the
 *   short programs students run (tens of ms) that is a few ms of p50 bought for a tail protected
 *   from a dying or stalled worker, and a loser is cancelled the moment a winner answers;
 * - for CPU-heavy programs, or when the machine is loaded, `hedged` is better: the second worker
 *   starts only after the runtime's observed p95, so ~95 % of runs use one core and the tail is
 *   still cut. Operators choose with CODERING_RACE_MODE, clients per request with `mode`.
 */

import { CoderingError, isCoderingError } from '../../errors';
import { runWallMs } from '../../proxy';
import type { CoderingConfig, RaceMode } from '../config';
import type { AnsweredStatus, RunInput, RunResponse } from '../contract';
import type { RunImages } from '../images';
import type { ApiMetrics } from '../metrics';
import type { Platform } from '../platform';
import { LatencyWindow } from './latency-window';
import { judgeCases, programOutputs, type JudgedCases } from './judged-cases';
import { checkTestCases } from './test-cases';
import { raceAttempt, type AttemptResult } from './race-attempt';
import { BusyBackoff } from './busy-backoff';
import { AttemptFailed } from './race-errors';
import { checkRunInput } from './run-input';
import { StreamedOutput, type StreamListener } from './streamed-output';

export interface RunContext {
  requestId: string;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
  /**
   * A streamed run: the program's output goes to the listener as it comes, within the output limit.
   * It runs on ONE worker, never raced (a second copy would stream its output a second time), and is
   * retried on another worker only while nothing has been streamed.
   */
  stream?: StreamListener;
}

export interface ExecutorLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface ExecutorOptions {
  platform: Platform;
  images: RunImages;
  config: Readonly<CoderingConfig>;
  metrics: ApiMetrics;
  log?: ExecutorLog;
}

export class Executor {
  private readonly latencies: LatencyWindow;
  /** Runs between their first lease request and their answer, every runtime together. */
  private inFlight = 0;

  constructor(private readonly options: ExecutorOptions) {
    this.latencies = new LatencyWindow(options.config.hedge);
  }

  async run(input: RunInput, context: RunContext): Promise<RunResponse> {
    const started = performance.now();
    const { config, images, metrics } = this.options;
    const requested = input.mode ?? config.raceMode;
    // A pair's second copy is only free while a core is spare for it; past that, it would slow
    // every run down (bench: node pair vs single on 2 cores), so the run is hedged instead.
    const mode: RaceMode =
      context.stream !== undefined ? 'single' : requested === 'pair' && this.inFlight >= config.pairMaxInFlight ? 'hedged' : requested;
    this.inFlight += 1;
    let runtimeId = 'unknown';
    try {
      // Everything that can be refused is checked before any build or lease.
      const located = images.locate(input);
      runtimeId = located.target.resolved.id;
      const checked = checkRunInput(input, located.target.resolved.definition.main, config);
      // a judged run is one request: one compile, then every case, on the worker that wins the race
      const tests = checkTestCases(input, checked, config);
      if (tests !== undefined && context.stream !== undefined) {
        // one program's output streamed is one run's; a judged run's cases answer together, at the end
        throw new CoderingError('invalid_request', 'a judged run (tests) is not streamed: send it without Accept: text/event-stream, over POST /v1/run', {
          field: 'tests',
        });
      }
      if (tests !== undefined) checked.cases = tests.cases;
      // an image with no warm worker is a cold start away: the platform starts one for this run
      const image = await images.ensure(located, context.signal);

      const request = { requestId: context.requestId, ...checked };
      const streamed = context.stream === undefined ? undefined : new StreamedOutput(context.stream, checked.limits.outputBytes);
      const compiled = located.target.resolved.definition.compiled;
      const runTimeoutMs = runWallMs(request) + (compiled ? checked.limits.compileWallMs : 0) + config.runMarginMs;
      // a batch's latency is not a run's: it must not stretch the hedge delay of the runtime's runs
      const latencyKey = tests === undefined ? runtimeId : `${runtimeId} tests`;
      const failures: string[] = [];
      let outcome: AttemptResult | undefined;
      let retries = 0;
      const busy = new BusyBackoff(config.acquireTimeoutMs);
      for (let attempt = 0; attempt <= config.retries && outcome === undefined; ) {
        try {
          outcome = await raceAttempt(this.options.platform, image.reference, request, {
            mode,
            hedgeDelayMs: this.latencies.hedgeDelayMs(latencyKey),
            runTimeoutMs,
            cancelGraceMs: config.cancelGraceMs,
            signal: context.signal,
            onLease: (waitMs) => {
              metrics.leaseWaited(runtimeId, waitMs);
              context.stream?.started?.();
            },
            ...(streamed === undefined ? {} : { stream: streamed }),
            onWorkerFailure: (workerId, reason) =>
              this.options.log?.warn({ requestId: context.requestId, workerId, reason, attempt }, 'worker failed'),
          });
        } catch (error) {
          // Busy workers ran nothing: the same attempt again after a pause, within the run's wait for a worker.
          if (isCoderingError(error) && error.code === 'workers_busy' && (await busy.pause(context.signal))) {
            metrics.raceEvent('busy');
            continue;
          }
          if (!(error instanceof AttemptFailed)) throw error;
          failures.push(...error.failures.map((failure) => `attempt ${attempt + 1}, ${failure}`));
          attempt += 1;
          // what a streamed run wrote went out already: another worker would send it again
          if (streamed?.touched === true) break;
          if (attempt <= config.retries) {
            retries = attempt;
            metrics.raceEvent('retry');
          }
        }
      }
      if (outcome === undefined) {
        throw new CoderingError(
          'workers_failed',
          `every worker failed to run the program on ${runtimeId} (${retries + 1} attempts); this is our failure, not your program's`,
          { runtime: runtimeId, attempts: retries + 1, failures },
        );
      }

      const { status } = outcome.result;
      if (status === 'files_rejected') {
        // the worker could not write the files as given: the request's fault, and the worker is fine
        throw new CoderingError('files_rejected', outcome.result.message, { runtime: runtimeId });
      }
      const judged = tests === undefined ? undefined : judgeCases(tests, status !== 'compile_error', outcome.result.cases, runtimeId);
      this.latencies.record(latencyKey, outcome.workerMs);
      metrics.raceEvent(outcome.winner === 1 ? 'winner_first' : 'winner_second');
      metrics.raceEvent('fallback', outcome.fallback ? 1 : 0);
      metrics.raceEvent('cancelled_loser', outcome.cancelledLosers);
      const response = toResponse(outcome, {
        status,
        runtimeId,
        digest: image.digest,
        mode,
        requested,
        retries,
        totalMs: performance.now() - started,
        judged,
      });
      metrics.runFinished(runtimeId, response.status, mode, response.timings.totalMs);
      return response;
    } catch (error) {
      const status = isCoderingError(error) ? error.code : 'aborted_or_internal';
      metrics.runFinished(runtimeId, status, mode, performance.now() - started);
      throw error;
    } finally {
      this.inFlight -= 1;
    }
  }
}

function toResponse(
  outcome: AttemptResult,
  extra: {
    status: AnsweredStatus;
    runtimeId: string;
    digest: string | null;
    mode: RaceMode;
    requested: RaceMode;
    retries: number;
    totalMs: number;
    /** A judged run's cases (its own outputs are then empty, its run time every case's). */
    judged: JudgedCases | undefined;
  },
): RunResponse {
  const { result } = outcome;
  const response: RunResponse = {
    status: extra.status,
    ...programOutputs(result),
    timings: {
      queueMs: Math.round(outcome.queueMs),
      coldStart: outcome.coldStartMs !== null,
      coldStartMs: outcome.coldStartMs ?? 0,
      compileMs: result.compile?.wallMs ?? 0,
      runMs: result.wallMs,
      totalMs: Math.round(extra.totalMs),
    },
    usage: { cpuMs: result.cpuMs, memoryBytes: result.memoryBytes },
    runtime: { id: extra.runtimeId, image: outcome.image, digest: extra.digest },
    race: {
      mode: extra.mode,
      requested: extra.requested,
      workers: outcome.workers,
      winner: outcome.winner,
      fallback: outcome.fallback,
      retries: extra.retries,
    },
  };
  if (extra.judged !== undefined) {
    const { cases, summary } = extra.judged;
    response.cases = cases;
    response.summary = summary;
    response.timings.runMs = cases.reduce((sum, answer) => sum + answer.timings.runMs, 0);
    response.usage = {
      cpuMs: cases.reduce((sum, answer) => sum + answer.usage.cpuMs, 0),
      memoryBytes: Math.max(0, ...cases.map((answer) => answer.usage.memoryBytes)),
    };
  }
  if (result.compile !== null) {
    response.compile = {
      stdout: result.compile.stdout,
      stderr: result.compile.stderr,
      exitCode: result.compile.exitCode,
    };
  }
  return response;
}
