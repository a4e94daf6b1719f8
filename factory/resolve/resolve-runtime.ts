/**
 * A request such as `py@^3.10` → one concrete version of the catalogue: the newest that satisfies.
 * Partial versions are ranges in semver (`3.11` = `3.11.x`), which is what authors mean by them.
 */

import semver from 'semver';
import { CoderingError } from '../../errors';
import type { Catalogue, ResolvedRuntime } from '../catalogue';
import { parseRuntimeRequest } from './parse-runtime-request';

const LATEST = new Set(['', 'latest', '*', 'x', 'X']);

export function resolveRuntime(catalogue: Catalogue, request: string): ResolvedRuntime {
  const { name, range } = parseRuntimeRequest(request);
  const definition = catalogue.find(name);
  if (definition === undefined) {
    throw new CoderingError(
      'unknown_runtime',
      `unknown runtime "${name}"; available: ${catalogue.describe().join(', ')}`,
      { runtime: name, available: catalogue.names() },
    );
  }

  const versions = definition.versions.map((entry) => entry.version);
  let chosen: string | null;
  if (LATEST.has(range)) {
    chosen = versions[0] ?? null;
  } else {
    if (semver.validRange(range) === null) {
      throw new CoderingError(
        'invalid_version_range',
        `"${range}" is not a version or semver range for ${definition.language} (try 3.11, ^3.10, >=8.1 <8.4 or latest)`,
        { runtime: definition.language, range },
      );
    }
    chosen = semver.maxSatisfying(versions, range);
  }

  const entry = definition.versions.find((candidate) => candidate.version === chosen);
  if (entry === undefined) {
    throw new CoderingError(
      'unsatisfiable_version',
      `no version of ${definition.language} satisfies "${range}"; available: ${versions.join(', ')}`,
      { runtime: definition.language, range, available: versions },
    );
  }
  return {
    id: `${definition.language}@${entry.version}`,
    language: definition.language,
    version: entry.version,
    definition,
    entry,
  };
}
