/**
 * What the Nuclio platform needs to know, and how it is read from the API's validated configuration
 * (`CODERING_NUCLIO_*`, `CODERING_WARM_FLOOR`, …).
 */

import { DEFAULT_FUNCTION_PREFIX, functionNameForImage } from '../../../factory/nuclio';
import type { CoderingConfig } from '../../config';
import { DEFAULT_FUNCTION_URL_TEMPLATE } from './function-endpoint';
import type { NuclioFunctions } from './nuclio-functions';

export interface NuclioPlatformOptions {
  /** Namespace of the functions. */
  namespace: string;
  /** `service`: call `nuclio-<name>` directly (in the cluster); `dashboard`: through the dashboard. */
  invokeVia: 'service' | 'dashboard';
  /** With `service`: the function's base URL, `{name}` and `{namespace}` replaced. */
  functionUrlTemplate?: string;
  /** With `dashboard` (and for nothing else). */
  dashboardUrl?: string;
  /** With `dashboard`: sent as `Authorization: Bearer <token>` (CODERING_NUCLIO_DASHBOARD_TOKEN). */
  dashboardToken?: string | null;
  /** The function that serves an image; by default derived from the image's name and tag. */
  functionName?: (image: string) => string;
  functionPrefix?: string;
  /**
   * The project's functions as the dashboard reports them: with it, a function's slots are its ready
   * replicas × workers (refreshed), the image → function mapping is Nuclio's, and readiness is the
   * dashboard answering and the warmed functions being ready. Without it (tests of the invocation
   * path), every function has `defaultSlots` and readiness probes each function. The platform closes it.
   */
  functions?: NuclioFunctions;
  /** Concurrent events per function when `functions` is not given (its replicas × HTTP workers). */
  defaultSlots: number;
  /** Requests waiting for a slot of one function before `queue_full`. */
  queueMax: number;
  acquireTimeoutMs: number;
  /** Added to a run's compile and wall limits for the HTTP deadline. */
  runMarginMs: number;
  /** No invocation waits longer; keep it at the functions' `eventTimeout`. */
  invokeTimeoutMs: number;
  /** Deadline of a health probe. */
  probeTimeoutMs?: number;
  /** A bigger answer is a failure (outputs are bounded by the run's limits). */
  maxResponseBytes?: number;
  /** How long a slot whose replica answered busy stays taken. Default 250 ms. */
  busyHoldMs?: number;
}

export interface ResolvedNuclioPlatformOptions extends Required<Omit<NuclioPlatformOptions, 'dashboardUrl' | 'functions' | 'dashboardToken'>> {
  dashboardUrl: string | undefined;
  dashboardToken: string | null;
  functions: NuclioFunctions | undefined;
}

export function resolveNuclioPlatformOptions(options: NuclioPlatformOptions): ResolvedNuclioPlatformOptions {
  const functionPrefix = options.functionPrefix ?? DEFAULT_FUNCTION_PREFIX;
  return {
    ...options,
    functionPrefix,
    functionUrlTemplate: options.functionUrlTemplate ?? DEFAULT_FUNCTION_URL_TEMPLATE,
    dashboardUrl: options.dashboardUrl,
    dashboardToken: options.dashboardToken ?? null,
    functions: options.functions,
    functionName: options.functionName ?? ((image) => functionNameForImage(image, functionPrefix)),
    probeTimeoutMs: options.probeTimeoutMs ?? 2000,
    maxResponseBytes: options.maxResponseBytes ?? 16 * 1024 * 1024,
    busyHoldMs: options.busyHoldMs ?? 250,
  };
}

/** From the API's configuration (CODERING_NUCLIO_*), with the functions the dashboard reports. */
export function nuclioPlatformOptionsFromConfig(config: CoderingConfig, functions?: NuclioFunctions): NuclioPlatformOptions {
  return {
    namespace: config.nuclio.namespace,
    invokeVia: config.nuclio.invokeVia,
    functionUrlTemplate: config.nuclio.functionUrlTemplate,
    dashboardUrl: config.nuclio.dashboardUrl,
    dashboardToken: config.nuclio.dashboardToken,
    ...(functions === undefined ? {} : { functions }),
    functionPrefix: config.nuclio.functionPrefix,
    defaultSlots: config.warmFloor,
    queueMax: config.queueMax,
    acquireTimeoutMs: config.acquireTimeoutMs,
    runMarginMs: config.runMarginMs,
    invokeTimeoutMs: config.nuclio.invokeTimeoutMs,
  };
}
