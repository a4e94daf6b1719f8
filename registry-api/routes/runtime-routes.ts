/** The catalogue as clients see it, and one request resolved to a concrete runtime (and its image). */

import { Type } from '@sinclair/typebox';
import type { RuntimeDefinition } from '../../factory/catalogue';
import { errorResponses, resolvedRuntimeSchema, runtimeListSchema, type RuntimeBody } from '../contract';
import { resolveTarget } from '../images';
import type { ApiInstance } from './api-instance';
import type { RouteContext } from './route-context';

export function runtimeRoutes(app: ApiInstance, context: RouteContext): void {
  app.get(
    '/v1/runtimes',
    {
      schema: {
        summary: 'The runtime catalogue',
        tags: ['runtimes'],
        response: { 200: runtimeListSchema, ...errorResponses },
      },
    },
    async () => ({ runtimes: context.catalogue.runtimes.map(describeRuntime) }),
  );

  app.get(
    '/v1/runtimes/:spec',
    {
      schema: {
        summary: 'Resolve a runtime request (`python@^3.10`) to a concrete version and its image if built',
        tags: ['runtimes'],
        params: Type.Object({ spec: Type.String({ minLength: 1, maxLength: 64 }) }),
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

function describeRuntime(definition: RuntimeDefinition): RuntimeBody {
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
