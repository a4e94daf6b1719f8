/**
 * Turns ajv's errors into sentences that name the field the author must fix, in the JSON-pointer form
 * (`/versions/1/suite`) that matches the YAML's structure.
 */

import type { ErrorObject } from 'ajv';

export function schemaErrorMessage(error: ErrorObject): { field: string; message: string } {
  const at = error.instancePath === '' ? '/' : error.instancePath;
  const child = (key: string): string => `${error.instancePath}/${key}`;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const field = child(String(params.additionalProperty));
      return { field, message: `${field} is not a known key` };
    }
    case 'required': {
      const field = child(String(params.missingProperty));
      return { field, message: `${field} is required` };
    }
    case 'enum':
      return { field: at, message: `${at} must be one of ${(params.allowedValues as unknown[]).join(', ')}` };
    case 'format':
      return params.format === 'semver'
        ? { field: at, message: `${at} must be a full semver version such as 3.11.2` }
        : { field: at, message: `${at} must match format ${String(params.format)}` };
    default:
      return { field: at, message: `${at} ${error.message ?? 'is invalid'}` };
  }
}
