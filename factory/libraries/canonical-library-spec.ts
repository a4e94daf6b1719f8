/**
 * One text per library and one order per set, so that the same libraries asked in another order or
 * spelling (`Requests` vs `requests`) render the same Dockerfile and so hit the same content tag.
 */

import type { LibrarySpec } from '../catalogue';
import { GRAMMARS } from './grammars';

/** `lodash@4`, `requests==2.31.0`, `rake@13.0.6`, `monolog/monolog@^3.0`, `apt:jq`. */
export function formatLibrarySpec(spec: LibrarySpec): string {
  if (spec.installer === 'none') throw new Error('a library spec never has the installer "none"');
  const text = GRAMMARS[spec.installer].format(spec);
  // apt is the only ecosystem that is not a runtime's own, so its prefix is part of its canonical text.
  return spec.installer === 'apt' ? `apt:${text}` : text;
}

/** apt first (system libraries that the ecosystem's packages may build against), then by name. */
export function compareLibrarySpecs(a: LibrarySpec, b: LibrarySpec): number {
  const rank = (spec: LibrarySpec): number => (spec.installer === 'apt' ? 0 : 1);
  return rank(a) - rank(b) || compareText(a.name, b.name) || compareText(formatLibrarySpec(a), formatLibrarySpec(b));
}

export function sortLibrarySpecs(specs: readonly LibrarySpec[]): LibrarySpec[] {
  return [...specs].sort(compareLibrarySpecs);
}

/** Code-unit order, not the locale's: the order must not depend on the machine that builds. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
