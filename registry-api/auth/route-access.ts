/**
 * Which scope each route needs, in one table rather than in each route's file: a reviewer sees the
 * whole policy at once, and a route nobody classified needs `admin` (closed by default) until it is
 * listed here or says otherwise in its own options (`config: { access: 'run' }`).
 *
 * `/metrics` is `admin`: it holds what `/v1/capacity` holds (per-image workers, queue lengths,
 * build jobs). Prometheus sends a key as any client does (`authorization: { credentials: <key> }`).
 */

import type { Scope } from './scopes';

/** `open`: anybody, key or not; otherwise the scope a key needs. */
export type Access = 'open' | Scope;

export interface RouteAccess {
  access: Access;
  /** Runs code: counted against the caller's runs in flight (CODERING_KEY_MAX_IN_FLIGHT). */
  countsAsRun: boolean;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Overrides the table below for this route. */
    access?: Access;
    countsAsRun?: boolean;
  }
}

interface Rule {
  /** The route's path and everything below it (`/v1/images` covers `/v1/images/jobs/:id`). */
  path: string;
  access: Access;
  countsAsRun?: true;
}

const RULES: readonly Rule[] = [
  { path: '/healthz', access: 'open' },
  { path: '/readyz', access: 'open' },
  { path: '/docs', access: 'open' },
  { path: '/v1/run', access: 'run', countsAsRun: true },
  { path: '/v1/runtimes', access: 'run' },
  { path: '/v1/images', access: 'build' },
  { path: '/v1/keys', access: 'admin' },
  { path: '/v1/capacity', access: 'admin' },
  { path: '/metrics', access: 'admin' },
];

/**
 * What a route needs, from its method and URL pattern (`/v1/images/jobs/:id`, not the request's
 * path). A preflight (`OPTIONS`) carries no key by design, and an unknown route (no pattern) is
 * answered 404 whoever asks: both are open.
 */
export function routeAccess(method: string, url: string | undefined, config?: { access?: Access; countsAsRun?: boolean }): RouteAccess {
  if (method === 'OPTIONS' || url === undefined) return { access: 'open', countsAsRun: false };
  const rule = RULES.find((candidate) => url === candidate.path || url.startsWith(`${candidate.path}/`));
  return {
    access: config?.access ?? rule?.access ?? 'admin',
    countsAsRun: config?.countsAsRun ?? rule?.countsAsRun ?? false,
  };
}
