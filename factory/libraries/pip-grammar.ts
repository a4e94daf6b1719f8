/**
 * pip: a PEP 508 requirement reduced to name, extras and PEP 440 version specifiers. URLs (`name @ url`),
 * environment markers and pip options are refused: they fetch from elsewhere or change pip's behaviour.
 */

import type { EcosystemGrammar } from './ecosystem-grammar';

/** PEP 508's name, longest alternative first: the match is not anchored at the end. */
const NAME = /^([A-Z0-9][A-Z0-9._-]*[A-Z0-9]|[A-Z0-9])/i;
const EXTRAS = /^\[([^\]]*)\]/;
/** PEP 440 public version with an optional local part, case-insensitive. */
const VERSION =
  'v?(?:[0-9]+!)?[0-9]+(?:\\.[0-9]+)*(?:[-_.]?(?:a|b|c|rc|alpha|beta|pre|preview)[-_.]?[0-9]*)?' +
  '(?:-[0-9]+|[-_.]?(?:post|rev|r)[-_.]?[0-9]*)?(?:[-_.]?dev[-_.]?[0-9]*)?';
const LOCAL = '(?:\\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?';
/** `==`/`!=` may end in `.*` (prefix match); `~=` needs two release numbers; `===` is refused. */
const CLAUSE = new RegExp(
  `^(?:(?:==|!=)(?:${VERSION}\\.\\*|${VERSION}${LOCAL})|(?:~=|<=|>=|<|>)${VERSION})$`,
  'i',
);
const COMPATIBLE_RELEASE = /^~=v?(?:[0-9]+!)?[0-9]+\.[0-9]+/i;

/** PEP 503: names compare lowercased with runs of `-`, `_`, `.` as one `-`. */
export function normalizePipName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

export const pipGrammar: EcosystemGrammar = {
  installer: 'pip',
  example: 'requests==2.31.0 or numpy>=1.26,<2',
  parse(text, reject) {
    const nameMatch = NAME.exec(text);
    if (nameMatch === null) reject('a pip requirement starts with a package name (letters, digits, . _ -)');
    const name = (nameMatch as RegExpExecArray)[0];
    let rest = text.slice(name.length);

    let extras: string[] | undefined;
    const extrasMatch = EXTRAS.exec(rest);
    if (extrasMatch !== null) {
      const listed = (extrasMatch[1] ?? '').split(',');
      if (listed.some((extra) => !/^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i.test(extra))) {
        reject('extras must be names separated by commas, such as uvicorn[standard]');
      }
      extras = [...new Set(listed.map(normalizePipName))].sort();
      rest = rest.slice(extrasMatch[0].length);
    }

    if (rest.startsWith('@')) reject('direct references (name @ url) are not accepted: write name==version');
    if (rest.includes(';')) reject('environment markers are not accepted');
    let version = '';
    if (rest !== '') {
      const clauses = rest.split(',');
      for (const clause of clauses) {
        if (!CLAUSE.test(clause) || (clause.startsWith('~=') && !COMPATIBLE_RELEASE.test(clause))) {
          reject(`"${clause}" is not a PEP 440 version specifier (such as ==2.31.0, >=1.26, ~=1.4, !=1.5.*)`);
        }
      }
      // The same set in another order is the same requirement, and must make the same image.
      version = [...new Set(clauses)].sort().join(',');
    }
    return { installer: 'pip', name: normalizePipName(name), version, ...(extras === undefined ? {} : { extras }) };
  },
  format: (spec) => `${spec.name}${spec.extras === undefined ? '' : `[${spec.extras.join(',')}]`}${spec.version}`,
};
