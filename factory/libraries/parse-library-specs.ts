/**
 * An exercise's library specs, validated against their ecosystem's real grammar BEFORE anything renders
 * them into a Dockerfile. What passes is a name and a version made of a small alphabet, never a shell
 * word, an option, a URL or a path. (The renderer still quotes them: defence in depth.)
 */

import { CoderingError } from '../../errors';
import type { LibraryInstaller, LibrarySpec, RuntimeDefinition } from '../catalogue';
import { formatLibrarySpec, sortLibrarySpecs } from './canonical-library-spec';
import type { Reject } from './ecosystem-grammar';
import { GRAMMARS } from './grammars';

export const MAX_LIBRARIES = 32;
export const MAX_SPEC_LENGTH = 256;

/** Characters no name or version of any ecosystem uses, but shells, URLs and paths do. */
const FORBIDDEN = /[;&$`'"\\(){}#?%]/;
const PRINTABLE_ASCII = /^[\u0021-\u007e]*$/;
const PREFIX = /^(npm|pip|gem|composer|apt):/;

/**
 * Parses, validates, de-duplicates and sorts canonically. Throws `invalid_library` (naming the spec and
 * why) or `libraries_not_supported` (a plain spec for a runtime without an ecosystem, or another
 * runtime's ecosystem).
 */
export function parseLibrarySpecs(definition: RuntimeDefinition, specs: readonly string[]): LibrarySpec[] {
  if (!Array.isArray(specs)) {
    throw new CoderingError('invalid_library', 'libraries must be a list of strings', {});
  }
  if (specs.length > MAX_LIBRARIES) {
    throw new CoderingError('invalid_library', `${specs.length} libraries asked; at most ${MAX_LIBRARIES} are accepted`, {
      count: specs.length,
      maximum: MAX_LIBRARIES,
    });
  }
  const parsed = specs.map((spec) => parseLibrarySpec(definition, spec));

  const seen = new Map<string, string>();
  parsed.forEach((spec, index) => {
    const key = `${spec.installer}:${spec.name}`;
    const first = seen.get(key);
    if (first !== undefined) {
      const shown = String(specs[index]);
      throw new CoderingError(
        'invalid_library',
        `library ${JSON.stringify(shown)}: ${spec.name} is already asked by ${JSON.stringify(first)}`,
        { spec: shown, reason: 'duplicate' },
      );
    }
    seen.set(key, String(specs[index]));
  });
  return sortLibrarySpecs(parsed);
}

/** One spec: `lodash@4`, `apt:jq`, or with its own ecosystem's prefix (`pip:requests`). */
export function parseLibrarySpec(definition: RuntimeDefinition, spec: string): LibrarySpec {
  const shown = typeof spec === 'string' ? spec.slice(0, 80) + (spec.length > 80 ? '…' : '') : String(spec);
  const reject: Reject = (why) => {
    throw new CoderingError('invalid_library', `library ${JSON.stringify(shown)} is rejected: ${why}`, {
      spec: shown,
      reason: why,
    });
  };

  if (typeof spec !== 'string') return reject('a library spec must be a string');
  if (spec.trim() === '') reject('it is empty');
  if (spec.length > MAX_SPEC_LENGTH) reject(`it is longer than ${MAX_SPEC_LENGTH} characters`);
  if (/\s/.test(spec)) reject('it contains whitespace, which no package name or version uses');
  if (!PRINTABLE_ASCII.test(spec)) reject('it contains control characters or characters outside printable ASCII');
  const forbidden = FORBIDDEN.exec(spec);
  if (forbidden !== null) reject(`it contains ${JSON.stringify(forbidden[0])}, which no package name or version uses`);
  if (spec.startsWith('-')) reject('it looks like a command-line option; only package names are accepted');
  if (spec.includes('://') || spec.includes('..')) reject('URLs and paths are not accepted, only package names and versions');

  const prefix = PREFIX.exec(spec);
  const installer = (prefix?.[1] ?? definition.libraries) as LibraryInstaller;
  const body = prefix === null ? spec : spec.slice(prefix[0].length);
  if (installer === 'none') {
    throw new CoderingError(
      'libraries_not_supported',
      `${definition.language} has no library ecosystem: "${shown}" can only be installed as a Debian package (apt:name)`,
      { spec: shown, runtime: definition.language, accepted: ['apt'] },
    );
  }
  if (installer !== 'apt' && installer !== definition.libraries) {
    const accepted = definition.libraries === 'none' ? ['apt'] : [definition.libraries, 'apt'];
    throw new CoderingError(
      'libraries_not_supported',
      `${definition.language} takes ${accepted.join(' and ')} libraries, not ${installer} ("${shown}")`,
      { spec: shown, runtime: definition.language, accepted },
    );
  }
  const grammar = GRAMMARS[installer];
  if (body === '') reject(`nothing follows "${installer}:"; for example ${grammar.example}`);
  return grammar.parse(body, (why) => reject(`${why}; for example ${grammar.example}`));
}

/** Canonical texts of a validated, sorted set: what the exercise image reports as installed. */
export function canonicalLibrarySpecs(definition: RuntimeDefinition, specs: readonly string[]): string[] {
  return parseLibrarySpecs(definition, specs).map(formatLibrarySpec);
}
