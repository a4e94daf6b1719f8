/**
 * Where the API sends a function's events. Two ways, both from Nuclio's own docs:
 * - `service`: straight to the function's ClusterIP Service (`nuclio-<name>.<ns>.svc:8080`), one hop,
 *   the fast path inside the cluster;
 * - `dashboard`: through the dashboard's `/api/function_invocations`, for an API running outside the
 *   cluster that can reach only the dashboard. Nuclio relays the function's status and body.
 */

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

export const DEFAULT_FUNCTION_URL_TEMPLATE = 'http://nuclio-{name}.{namespace}.svc.cluster.local:8080/';

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

export function dashboardEndpoint(dashboardUrl: string): FunctionEndpoint {
  const root = dashboardUrl.endsWith('/') ? dashboardUrl : `${dashboardUrl}/`;
  return {
    kind: 'dashboard',
    invocation: (target, timeoutMs) => ({
      url: new URL('api/function_invocations', root).toString(),
      headers: {
        'x-nuclio-function-name': target.name,
        'x-nuclio-function-namespace': target.namespace,
        'x-nuclio-path': '/',
        // A Go duration: the dashboard gives up on the function at the same moment we give up on it.
        'x-nuclio-invoke-timeout': `${Math.ceil(timeoutMs)}ms`,
      },
    }),
    health: (target) => ({
      url: new URL(`api/functions/${encodeURIComponent(target.name)}`, root).toString(),
      headers: { 'x-nuclio-function-namespace': target.namespace },
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
