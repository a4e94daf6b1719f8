/**
 * What each library ecosystem contributes: its name and version grammar, its canonical text, and the key
 * under which two specs name the same package. One file per ecosystem implements it.
 */

import type { LibraryInstaller, LibrarySpec } from '../catalogue';

/** Throws `invalid_library` for the spec being parsed, with the reason. */
export type Reject = (why: string) => never;

export interface EcosystemGrammar {
  installer: Exclude<LibraryInstaller, 'none'>;
  /** An example shown in messages, so that a rejected author sees what is accepted. */
  example: string;
  /** Parses the spec without its `apt:`-style prefix. */
  parse(text: string, reject: Reject): LibrarySpec;
  /** The text the spec is written as once parsed (no prefix): `lodash@4`, `requests==2.31.0`. */
  format(spec: LibrarySpec): string;
}

/**
 * `name<separator>version` → both parts; `searchFrom` skips a leading `@` of npm scopes. A separator with
 * nothing after it is refused rather than read as "any version": it is usually a truncated spec.
 */
export function splitSpec(text: string, separator: string, reject: Reject, searchFrom = 0): { name: string; version: string } {
  const at = text.indexOf(separator, searchFrom);
  if (at === -1) return { name: text, version: '' };
  const version = text.slice(at + 1);
  if (version === '') reject(`nothing follows "${separator}": write a version or remove the "${separator}"`);
  return { name: text.slice(0, at), version };
}

/** The inverse of `splitSpec`. */
export function joinSpec(separator: string): (spec: LibrarySpec) => string {
  return (spec) => (spec.version === '' ? spec.name : `${spec.name}${separator}${spec.version}`);
}
