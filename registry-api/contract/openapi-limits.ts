/**
 * The run limits in the OpenAPI document at `/docs` carry this service's own numbers: the unit, the
 * default a run gets when it says nothing, and the maximum the operator allows (CODERING_DEFAULT_*,
 * CODERING_MAX_*), read from the configuration the API started with. The schemas the routes validate
 * with stay as they are: the maxima are the executor's to enforce, with their own error code
 * (`limit_exceeds_maximum`); this only says them, on the run's limits and on every test case's.
 */

import type { SwaggerTransform } from '@fastify/swagger';
import type { RunLimits } from '../../proxy';

const UNITS: Record<keyof RunLimits, string> = {
  wallMs: 'milliseconds of wall time for the run',
  cpuMs: 'milliseconds of CPU time, every process of the run together',
  compileWallMs: 'milliseconds of wall time for the compile step (compiled languages)',
  memoryBytes: 'bytes of memory (peak resident set of the run)',
  outputBytes: 'bytes of stdout and stderr kept, together; past them the run is `output_limit`',
  processes: 'processes and threads at once, the program included',
  fileBytes: 'bytes of the largest file the program may write',
};

interface JsonSchema {
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  description?: string;
  default?: unknown;
  maximum?: number;
}

function documented(limits: JsonSchema, defaults: RunLimits, maxima: RunLimits): JsonSchema {
  const properties = Object.fromEntries(
    Object.entries(limits.properties ?? {}).map(([name, schema]) => {
      const key = name as keyof RunLimits;
      if (!(key in UNITS)) return [name, schema];
      return [name, { ...schema, description: `${UNITS[key]}. Default ${defaults[key]}, at most ${maxima[key]}.`, default: defaults[key], maximum: maxima[key] }];
    }),
  );
  return { ...limits, properties };
}

export function documentLimits(defaults: RunLimits, maxima: RunLimits): (schema: JsonSchema) => JsonSchema {
  return (body) => {
    const properties = { ...body.properties };
    if (properties.limits) properties.limits = documented(properties.limits, defaults, maxima);
    const testCase = properties.tests?.items;
    if (testCase?.properties?.limits) {
      properties.tests = { ...properties.tests, items: { ...testCase, properties: { ...testCase.properties, limits: documented(testCase.properties.limits, defaults, maxima) } } };
    }
    return { ...body, properties };
  };
}

/** Wraps another transform: the limits of every route's body that has them get their numbers. */
export function withDocumentedLimits(transform: SwaggerTransform, defaults: RunLimits, maxima: RunLimits): SwaggerTransform {
  const document = documentLimits(defaults, maxima);
  return (argument) => {
    const transformed = transform(argument) as { schema: { body?: JsonSchema } & Record<string, unknown>; url: string };
    const body = transformed.schema?.body;
    if (body === undefined || body.properties?.limits === undefined) return transformed;
    return { ...transformed, schema: { ...transformed.schema, body: document(body) } };
  };
}
