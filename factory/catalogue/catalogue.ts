/**
 * The loaded catalogue: every runtime, looked up by language or alias. Built from definitions (not only
 * from files) so that tests and the API can make a small catalogue of their own.
 */

import semver from 'semver';
import { CoderingError } from '../../errors';
import type { RuntimeDefinition } from './runtime-definition';

/** One version of one runtime, as a request names it exactly (`go@1.19.8`). */
export interface CatalogueVersion {
  definition: RuntimeDefinition;
  spec: string;
}

/** Every version of every runtime, in the catalogue's order: by language, newest first. */
export function everyVersion(catalogue: Pick<Catalogue, 'runtimes'>): CatalogueVersion[] {
  return catalogue.runtimes.flatMap((definition) => definition.versions.map((entry) => ({ definition, spec: `${definition.language}@${entry.version}` })));
}

export interface Catalogue {
  /** Sorted by language; each one's versions newest first. */
  readonly runtimes: readonly RuntimeDefinition[];
  /** The runtime a language name or alias names (case-insensitive), or undefined. */
  find(nameOrAlias: string): RuntimeDefinition | undefined;
  /** Every name a request may use, languages and aliases, sorted. */
  names(): string[];
  /** `python (py, python3)` per runtime: what error messages offer when a name is unknown. */
  describe(): string[];
}

/**
 * Checks what a per-file schema cannot see (names unique across the catalogue, versions unique within a
 * runtime) and sorts. Throws `invalid_catalogue` naming the offending definition's folder.
 */
export function createCatalogue(definitions: readonly RuntimeDefinition[]): Catalogue {
  const byName = new Map<string, RuntimeDefinition>();
  const runtimes = [...definitions]
    .map((definition) => ({ ...definition, versions: sortNewestFirst(definition) }))
    .sort((a, b) => a.language.localeCompare(b.language));

  for (const definition of runtimes) {
    for (const name of [definition.language, ...definition.aliases]) {
      const key = name.toLowerCase();
      const owner = byName.get(key);
      if (owner !== undefined) {
        const field = name === definition.language ? '/language' : '/aliases';
        throw new CoderingError(
          'invalid_catalogue',
          `${definitionFile(definition)}: ${field} "${name}" is already used by ${definitionFile(owner)}`,
          { file: definitionFile(definition), field, name },
        );
      }
      byName.set(key, definition);
    }
  }

  return {
    runtimes,
    find: (nameOrAlias) => byName.get(nameOrAlias.toLowerCase()),
    names: () => [...byName.keys()].sort(),
    describe: () =>
      runtimes.map((r) => (r.aliases.length === 0 ? r.language : `${r.language} (${r.aliases.join(', ')})`)),
  };
}

/** `runtimes/python/runtime.yaml`: the catalogue folder's own name, not this machine's path. */
export function definitionFile(definition: Pick<RuntimeDefinition, 'directory' | 'language'>): string {
  const parts = definition.directory.split(/[\\/]/).filter((part) => part !== '');
  const tail = parts.slice(-2);
  return `${tail.length === 2 ? tail.join('/') : definition.language}/runtime.yaml`;
}

function sortNewestFirst(definition: RuntimeDefinition): RuntimeDefinition['versions'] {
  const seen = new Set<string>();
  definition.versions.forEach((entry, index) => {
    if (seen.has(entry.version)) {
      throw new CoderingError(
        'invalid_catalogue',
        `${definitionFile(definition)}: /versions/${index}/version ${entry.version} is listed twice`,
        { file: definitionFile(definition), field: `/versions/${index}/version` },
      );
    }
    seen.add(entry.version);
  });
  return [...definition.versions].sort((a, b) => semver.rcompare(a.version, b.version));
}
