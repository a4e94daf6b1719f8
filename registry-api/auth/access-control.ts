/**
 * Who may call what, wired into the app as hooks, in this order for every request:
 *
 *   1. CORS (@fastify/cors, onRequest): answers a browser's preflight before anything else (it
 *      carries no key), refuses one from an origin not in CODERING_CORS_ORIGINS with 403, and puts
 *      the CORS headers on every answer to an allowed origin, so a page can read our 401/403/429 too.
 *   2. Keys (onRequest): the route's access (route-access.ts) and the `Authorization: Bearer` key
 *      (or, on a WebSocket upgrade without that header, the key a browser offers as a subprotocol:
 *      websocket-key.ts) give the caller, or 401 / 403 with `WWW-Authenticate` (access-decision.ts).
 *   3. Rate limit (@fastify/rate-limit, a route-level onRequest, so after 2): requests a minute per
 *      key, or per address for a key-less run; `x-ratelimit-*` headers, 429 `rate_limited`.
 *   4. Runs in flight (preHandler, once the body is valid): per key or address, on the routes that
 *      run code; 429 `too_many_runs`. Released when the answer is sent or the client goes away.
 *
 * Probes (`/healthz`, `/readyz`) and `/docs` skip 2-4: an orchestrator needs no key, and a limit
 * must never make a healthy process look dead.
 */

import cors, { type FastifyCorsOptions } from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CoderingConfig } from '../../config';
import { CoderingError } from '../../errors';
import { bearerToken, decideAccess, type Caller, type Credential } from './access-decision';
import { InFlightRuns } from './in-flight-runs';
import type { KeyStore } from './key-store';
import { routeAccess, type RouteAccess } from './route-access';
import { webSocketKey } from './websocket-key';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who sent the request, once the key check let it through; null on open routes. */
    caller: Caller | null;
  }
}

export interface AccessControlOptions {
  config: Readonly<CoderingConfig>;
  keys: KeyStore;
}

const RATE_WINDOW_MS = 60_000;
/** A run lasts seconds: by then a place has usually been freed. */
const IN_FLIGHT_RETRY_AFTER_SECONDS = 1;

/** Registers hooks 1 to 4 above: call it before the routes are registered (the rate limit hooks routes as they come). */
export function registerAccessControl(app: FastifyInstance, { config, keys }: AccessControlOptions): void {
  app.decorateRequest('caller', null);

  void app.register(cors, { delegator: corsDelegator(config.corsOrigins) });

  app.addHook('onRequest', async (request, reply) => {
    const { access } = accessOf(request);
    if (access === 'open') return;
    const bearer = bearerToken(request.headers.authorization);
    const token = bearer === undefined ? webSocketKey(request.headers) : bearer;
    const credential: Credential =
      token === undefined ? { kind: 'none' } : token === null ? { kind: 'not-bearer' } : { kind: 'key', check: keys.check(token) };
    const decision = decideAccess(config.auth, access, credential, `${request.method} ${request.routeOptions.url}`);
    if (!decision.allowed) {
      void reply.header('www-authenticate', decision.challenge);
      throw decision.error;
    }
    request.caller = decision.caller;
  });

  const limits = callerLimits(config);
  void app.register(rateLimit, {
    global: true,
    hook: 'onRequest',
    timeWindow: RATE_WINDOW_MS,
    keyGenerator: (request) => limits.id(request),
    allowList: (request) => accessOf(request).access === 'open' || limits.perMinute(request) === 0,
    max: (request) => limits.perMinute(request),
    errorResponseBuilder: (request, context) =>
      new CoderingError(
        'rate_limited',
        `${limits.describe(request)} sent more than ${context.max} requests in a minute: again in ${context.after}`,
        { limit: context.max, windowSeconds: RATE_WINDOW_MS / 1000 },
        { retryAfterSeconds: Math.max(1, Math.ceil(context.ttl / 1000)) },
      ),
  });

  const runs = new InFlightRuns();
  const releases = new WeakMap<FastifyRequest, () => void>();
  app.addHook('preHandler', async (request, reply) => {
    if (!accessOf(request).countsAsRun) return;
    const id = limits.id(request);
    const max = limits.inFlight(request);
    if (!runs.take(id, max)) {
      throw new CoderingError(
        'too_many_runs',
        `${limits.describe(request)} has ${max} runs in flight, as many as it may: send the next when one has answered`,
        { maxInFlight: max },
        { retryAfterSeconds: IN_FLIGHT_RETRY_AFTER_SECONDS },
      );
    }
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      runs.release(id);
    };
    releases.set(request, release);
    // a client that goes away frees its place at once (its run is cancelled: run-routes.ts)
    reply.raw.once('close', release);
  });
  app.addHook('onResponse', async (request) => releases.get(request)?.());
}

/** The access a request's route needs (route-access.ts); an unknown route's request is open (it gets 404). */
function accessOf(request: FastifyRequest): RouteAccess {
  return routeAccess(request.method, request.is404 ? undefined : request.routeOptions.url, request.routeOptions.config);
}

/** A caller's identity and limits: its key's own, else the configured ones. */
function callerLimits(config: Readonly<CoderingConfig>) {
  const keyOf = (request: FastifyRequest) => (request.caller?.kind === 'key' ? request.caller.key : undefined);
  return {
    id: (request: FastifyRequest): string => {
      const key = keyOf(request);
      return key === undefined ? `address:${request.ip}` : `key:${key.id}`;
    },
    describe: (request: FastifyRequest): string => {
      const key = keyOf(request);
      return key === undefined ? `address ${request.ip} (no key)` : `key ${key.id}`;
    },
    perMinute: (request: FastifyRequest): number => keyOf(request)?.rateLimitPerMinute ?? config.rateLimitPerMinute,
    inFlight: (request: FastifyRequest): number => keyOf(request)?.maxInFlight ?? config.keyMaxInFlight,
  };
}

const CORS_METHODS = ['GET', 'POST', 'DELETE'];
const CORS_ALLOWED_HEADERS = ['authorization', 'content-type', 'x-request-id'];
/** What a page's script may read of our answers: the limits, when to retry, the job's URL, the challenge. */
const CORS_EXPOSED_HEADERS = ['retry-after', 'location', 'www-authenticate', 'x-request-id', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'];
/** Seconds a browser may reuse a preflight's answer. */
const CORS_MAX_AGE_SECONDS = 600;

type CorsCallback = (error: Error | null, options?: FastifyCorsOptions) => void;

/**
 * Per request: an allowed origin is echoed (`*` only when `*` is configured), never with
 * `Access-Control-Allow-Credentials`: keys travel in a header, the API sets no cookie, so no
 * credentials mode is ever needed, and `*` is never combined with it. A preflight from another
 * origin is refused with 403, in the error shape; its other requests get no CORS header at all (the
 * browser withholds the answer from the page; same-origin pages such as `/docs` keep working).
 */
export function corsDelegator(origins: readonly string[]) {
  const anyOrigin = origins.includes('*');
  const allowed = new Set(origins);
  return (request: FastifyRequest, callback: CorsCallback): void => {
    const origin = request.headers.origin;
    if (origin !== undefined && (anyOrigin || allowed.has(origin))) {
      callback(null, {
        origin: anyOrigin ? '*' : origin,
        credentials: false,
        methods: CORS_METHODS,
        allowedHeaders: CORS_ALLOWED_HEADERS,
        exposedHeaders: CORS_EXPOSED_HEADERS,
        maxAge: CORS_MAX_AGE_SECONDS,
      });
      return;
    }
    if (origin !== undefined && request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined) {
      callback(new CoderingError('forbidden', `origin ${origin} is not among the origins this API allows (CODERING_CORS_ORIGINS)`, { origin }));
      return;
    }
    callback(null, { origin: false });
  };
}
