/** The catalogue as clients see it, and one request resolved to a concrete runtime (and its image). */

import type { FastifyInstance } from 'fastify';
import type { RuntimeDefinition } from '../../factory/catalogue';
import { resolveTarget } from '../images/runtime-target';
import type { RouteContext } from './route-context';
import { errorResponses, resolvedRuntimeSchema, runtimeSchema } from './schemas';

export function runtimeRoutes(app: FastifyInstance, context: RouteContext): void {
  app.get(
    '/v1/runtimes',
    {
      schema: {
        summary: 'The runtime catalogue',
        tags: ['runtimes'],
        response: {
          200: { type: 'object', required: ['runtimes'], properties: { runtimes: { type: 'array', items: runtimeSchema } } },
          ...errorResponses,
        },
      },
    },
    async () => ({ runtimes: context.catalogue.runtimes.map(describeRuntime) }),
  );

  app.get<{ Params: { spec: string } }>(
    '/v1/runtimes/:spec',
    {
      schema: {
        summary: 'Resolve a runtime request (`python@^3.10`) to a concrete version and its image if built',
        tags: ['runtimes'],
        params: {
          type: 'object',
          required: ['spec'],
          properties: { spec: { type: 'string', minLength: 1, maxLength: 64 } },
        },
        response: { 200: resolvedRuntimeSchema, ...errorResponses },
      },
    },
    async (request) => {
      const target = resolveTarget(context.catalogue, request.params.spec);
      const { resolved } = target;
      return {
        id: resolved.id,
        language: resolved.language,
        version: resolved.version,
        displayName: resolved.definition.displayName,
        suite: resolved.entry.suite,
        upstreamImage: resolved.entry.upstreamImage,
        main: resolved.definition.main,
        compiled: resolved.definition.compiled,
        libraries: resolved.definition.libraries,
        image: await context.images.findBuilt(target),
      };
    },
  );
}

function describeRuntime(definition: RuntimeDefinition): Record<string, unknown> {
  return {
    language: definition.language,
    displayName: definition.displayName,
    aliases: definition.aliases,
    main: definition.main,
    compiled: definition.compiled,
    libraries: definition.libraries,
    versions: definition.versions.map((entry) => ({
      version: entry.version,
      suite: entry.suite,
      upstreamImage: entry.upstreamImage,
    })),
  };
}
