/**
 * Where the API sends a function's events. Two ways, both from Nuclio's own docs:
 * - `service`: straight to the function's ClusterIP Service (`nuclio-<name>.<ns>.svc:8080`), one hop,
 *   the fast path inside the cluster;
 * - `dashboard`: through the dashboard's `/api/function_invocations`, for an API running outside the
 *   cluster that can reach only the dashboard. Nuclio relays the function's status and body.
 */

import { DEFAULT_CONFIG } from '../../config';
import { bearer } from './nuclio-dashboard';

export interface FunctionTarget {
  name: string;
  namespace: string;
}

export interface HttpCall {
  url: string;
  headers: Record<string, string>;
}

export interface FunctionEndpoint {
  readonly kind: 'service' | 'dashboard';
  /** The POST that delivers one event; `timeoutMs` is how long the caller will wait. */
  invocation(target: FunctionTarget, timeoutMs: number): HttpCall;
  /** A GET that answers 200 when the function can take events; `isHealthy` reads its body. */
  health(target: FunctionTarget): HttpCall;
  isHealthy(status: number, body: string): boolean;
}

/** CODERING_NUCLIO_FUNCTION_URL's default: the function's ClusterIP Service, in the cluster's DNS. */
export const DEFAULT_FUNCTION_URL_TEMPLATE = DEFAULT_CONFIG.nuclio.functionUrlTemplate;

/** The processor's trigger answers this path itself, without taking a worker. */
const NUCLIO_HEALTH_PATH = '__internal/health';

export function serviceEndpoint(urlTemplate: string = DEFAULT_FUNCTION_URL_TEMPLATE): FunctionEndpoint {
  const base = (target: FunctionTarget): string =>
    urlTemplate
      .replaceAll('{name}', encodeURIComponent(target.name))
      .replaceAll('{namespace}', encodeURIComponent(target.namespace));
  return {
    kind: 'service',
    invocation: (target) => ({ url: base(target), headers: {} }),
    health: (target) => ({ url: new URL(NUCLIO_HEALTH_PATH, base(target)).toString(), headers: {} }),
    isHealthy: (status) => status === 200,
  };
}

/** `token`: the dashboard's credential (CODERING_NUCLIO_DASHBOARD_TOKEN), sent on every call. */
export function dashboardEndpoint(dashboardUrl: string, token: string | null = null): FunctionEndpoint {
  const root = dashboardUrl.endsWith('/') ? dashboardUrl : `${dashboardUrl}/`;
  return {
    kind: 'dashboard',
    invocation: (target, timeoutMs) => ({
      url: new URL('api/function_invocations', root).toString(),
      headers: {
        ...bearer(token),
        'x-nuclio-function-name': target.name,
        'x-nuclio-function-namespace': target.namespace,
        'x-nuclio-path': '/',
        // A Go duration: the dashboard gives up on the function at the same moment we give up on it.
        'x-nuclio-invoke-timeout': `${Math.ceil(timeoutMs)}ms`,
      },
    }),
    health: (target) => ({
      url: new URL(`api/functions/${encodeURIComponent(target.name)}`, root).toString(),
      headers: { ...bearer(token), 'x-nuclio-function-namespace': target.namespace },
    }),
    isHealthy: (status, body) => {
      if (status !== 200) return false;
      try {
        const parsed = JSON.parse(body) as { status?: { state?: unknown } };
        return parsed.status?.state === 'ready';
      } catch {
        return false;
      }
    },
  };
}
