/**
 * A runtime request made concrete: `python@^3` + `[Requests]` → `python@3.13.5` + `[requests]`, and
 * the key that says two requests need the same image (build jobs are idempotent by it).
 */

import type { Catalogue, ResolvedRuntime } from '../../factory/catalogue';
import { canonicalLibrarySpecs } from '../../factory/libraries';
import { resolveRuntime } from '../../factory/resolve';

export interface RuntimeTarget {
  resolved: ResolvedRuntime;
  /** Canonical, sorted. */
  libraries: string[];
  /** `python@3.13.5` or `node@20.19.0+lodash@4`: same key, same image. */
  key: string;
}

/** Throws the catalogue's 4xx errors (unknown runtime, bad range, bad library). */
export function resolveTarget(catalogue: Catalogue, runtime: string, libraries: readonly string[] = []): RuntimeTarget {
  const resolved = resolveRuntime(catalogue, runtime);
  const canonical = canonicalLibrarySpecs(resolved.definition, libraries);
  return { resolved, libraries: canonical, key: [resolved.id, ...canonical].join('+') };
}
