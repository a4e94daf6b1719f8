/**
 * What the Nuclio platform needs to know, and how it is read from the API's validated configuration
 * (`CODERING_NUCLIO_*`, `CODERING_WARM_FLOOR`, …).
 */

import { DEFAULT_FUNCTION_PREFIX, functionNameForImage } from '../../../factory/nuclio';
import type { CoderingConfig } from '../../config';
import { DEFAULT_FUNCTION_URL_TEMPLATE } from './function-endpoint';

export interface NuclioPlatformOptions {
  /** Namespace of the functions. */
  namespace: string;
  /** `service`: call `nuclio-<name>` directly (in the cluster); `dashboard`: through the dashboard. */
  invokeVia: 'service' | 'dashboard';
  /** With `service`: the function's base URL, `{name}` and `{namespace}` replaced. */
  functionUrlTemplate?: string;
  /** With `dashboard` (and for nothing else). */
  dashboardUrl?: string;
  /** The function that serves an image; by default derived from the image's name and tag. */
  functionName?: (image: string) => string;
  functionPrefix?: string;
  /** Concurrent events per function before `warm` says otherwise (its replicas × HTTP workers). */
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
}

export interface ResolvedNuclioPlatformOptions extends Required<Omit<NuclioPlatformOptions, 'dashboardUrl'>> {
  dashboardUrl: string | undefined;
}

export function resolveNuclioPlatformOptions(options: NuclioPlatformOptions): ResolvedNuclioPlatformOptions {
  const functionPrefix = options.functionPrefix ?? DEFAULT_FUNCTION_PREFIX;
  return {
    ...options,
    functionPrefix,
    functionUrlTemplate: options.functionUrlTemplate ?? DEFAULT_FUNCTION_URL_TEMPLATE,
    dashboardUrl: options.dashboardUrl,
    functionName: options.functionName ?? ((image) => functionNameForImage(image, functionPrefix)),
    probeTimeoutMs: options.probeTimeoutMs ?? 2000,
    maxResponseBytes: options.maxResponseBytes ?? 16 * 1024 * 1024,
  };
}

/**
 * From the API's configuration. The API reaches functions through the dashboard, the one address the
 * configuration names; `service` needs `functionUrlTemplate` and is chosen by passing options directly.
 */
export function nuclioPlatformOptionsFromConfig(config: CoderingConfig): NuclioPlatformOptions {
  return {
    namespace: config.nuclio.namespace,
    invokeVia: 'dashboard',
    dashboardUrl: config.nuclio.dashboardUrl,
    functionPrefix: config.nuclio.functionPrefix,
    defaultSlots: config.warmFloor,
    queueMax: config.queueMax,
    acquireTimeoutMs: config.acquireTimeoutMs,
    runMarginMs: config.runMarginMs,
    invokeTimeoutMs: config.nuclio.invokeTimeoutMs,
  };
}
