/**
 * apt: `apt:name[=version]` (the prefix is stripped before this grammar sees the spec). Debian policy's
 * package-name and version grammars; no `/release`, no `:arch`, so the suite of the runtime's image is
 * the only source.
 */

import { joinSpec, splitSpec, type EcosystemGrammar } from './ecosystem-grammar';

const MAX_LENGTH = 100;
const NAME = /^[a-z0-9][a-z0-9+.-]+$/;
/** [epoch:]upstream[-revision]; the upstream part starts with a digit. */
const VERSION = /^(?:[0-9]+:)?[0-9][A-Za-z0-9.+~-]*$/;

export const aptGrammar: EcosystemGrammar = {
  installer: 'apt',
  example: 'apt:jq or apt:libxml2-dev=2.9.14+dfsg-1.3~deb12u1',
  parse(text, reject) {
    const { name, version } = splitSpec(text, '=', reject);
    if (name.length > MAX_LENGTH || version.length > MAX_LENGTH) reject(`longer than ${MAX_LENGTH} characters`);
    if (!NAME.test(name)) reject(`"${name}" is not a Debian package name (lowercase letters, digits, + . -)`);
    if (version !== '' && !VERSION.test(version)) reject(`"${version}" is not a Debian version`);
    return { installer: 'apt', name, version };
  },
  format: joinSpec('='),
};
