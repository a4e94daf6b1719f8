/**
 * The worker budget as operators and load tests see it: how many workers the host can hold, how many
 * are in use, and per image how many are warm, busy, starting, waited for, started cold or evicted.
 * The same figures are in `/metrics` for Prometheus; this is the one a person reads.
 */

import { capacitySchema, errorResponses } from '../contract';
import type { ApiInstance } from './api-instance';
import type { RouteContext } from './route-context';

export function capacityRoutes(app: ApiInstance, context: RouteContext): void {
  app.get(
    '/v1/capacity',
    {
      schema: {
        summary: 'Worker capacity: the budget, what uses it, per image warm/busy/starting/waiting, cold starts and evictions',
        tags: ['health'],
        response: { 200: capacitySchema, ...errorResponses },
      },
    },
    async () => context.platform.capacity(),
  );
}
