/**
 * A runtime request made concrete: `python@^3` + `[Requests]` → `python@3.13.5` + `[requests]`, and
 * the key that says two requests need the same image (build jobs are idempotent by it).
 */

import type { Catalogue, ResolvedRuntime } from '../../factory/catalogue';
import { canonicalLibrarySpecs } from '../../factory/libraries';
import { imageKeyOf } from '../../factory/nuclio';
import { resolveRuntime } from '../../factory/resolve';
import type { BuildTarget } from '../jobs';

/** A build job's target with the whole resolved runtime: images/ depends on jobs/, never the reverse. */
export interface RuntimeTarget extends BuildTarget {
  resolved: ResolvedRuntime;
}

/** Throws the catalogue's 4xx errors (unknown runtime, bad range, bad library). */
export function resolveTarget(catalogue: Catalogue, runtime: string, libraries: readonly string[] = []): RuntimeTarget {
  const resolved = resolveRuntime(catalogue, runtime);
  const canonical = canonicalLibrarySpecs(resolved.definition, libraries);
  // The same key names the function that serves the target on the nuclio platform.
  return { resolved, libraries: canonical, key: imageKeyOf(resolved.id, canonical) };
}
