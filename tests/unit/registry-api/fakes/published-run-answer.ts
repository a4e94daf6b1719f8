/**
 * The schema `/docs/json` publishes for a `POST /v1/run` 200 answer, compiled by a validator that is
 * not fastify's: what a client generated from the document would hold us to.
 */

import Ajv, { type ValidateFunction } from 'ajv';

interface OpenApiDocument {
  paths?: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema?: object }> }> }>>;
}

export function publishedRunAnswer(document: unknown): ValidateFunction {
  const schema = (document as OpenApiDocument).paths?.['/v1/run']?.post?.responses?.['200']?.content?.['application/json']?.schema;
  if (schema === undefined) throw new Error('/docs/json publishes no 200 answer for POST /v1/run');
  return new Ajv({ allErrors: true }).compile(schema);
}

/** The validator's complaints about `body`, none when it keeps the contract (a readable jest diff). */
export function contractErrors(validate: ValidateFunction, body: unknown): string[] {
  return validate(body) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message ?? ''}`);
}
