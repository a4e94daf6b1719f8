/**
 * npm: `name[@range]`, `@scope/name[@range]`. Names follow npm's rules for new packages; the version
 * must be a semver range or a dist-tag, so no git, file, URL or alias specs ever reach `npm install`.
 */

import semver from 'semver';
import { joinSpec, splitSpec, type EcosystemGrammar } from './ecosystem-grammar';

const MAX_NAME_LENGTH = 214;
const NAME = /^(?:@[a-z0-9~-][a-z0-9._~-]*\/)?[a-z0-9~-][a-z0-9._~-]*$/;
const RESERVED = new Set(['node_modules', 'favicon.ico']);
const DIST_TAG = /^[a-z][a-z0-9-]*$/;
const RANGE_CHARACTERS = /^[0-9A-Za-z.*^~<>=|+-]+$/;

export const npmGrammar: EcosystemGrammar = {
  installer: 'npm',
  example: 'lodash@^4.17.21 or @types/node@20',
  parse(text, reject) {
    // A scoped name starts with `@`: the version separator is the next `@`.
    const { name, version } = splitSpec(text, '@', reject, text.startsWith('@') ? 1 : 0);
    if (name.length > MAX_NAME_LENGTH) reject(`the npm name is longer than ${MAX_NAME_LENGTH} characters`);
    if (name.startsWith('.') || name.startsWith('_')) reject('an npm name cannot start with "." or "_"');
    if (name !== name.toLowerCase()) reject('npm names are lowercase');
    if (!NAME.test(name) || RESERVED.has(name)) reject(`"${name}" is not a valid npm package name`);
    if (version !== '') {
      const isRange = RANGE_CHARACTERS.test(version) && semver.validRange(version) !== null;
      if (!isRange && !DIST_TAG.test(version)) {
        reject(`"${version}" is neither a semver range nor a dist-tag (git, file, URL and alias specs are not accepted)`);
      }
    }
    return { installer: 'npm', name, version };
  },
  format: joinSpec('@'),
};
