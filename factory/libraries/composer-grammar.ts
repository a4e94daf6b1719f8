/**
 * composer: `vendor/package[@constraint]`. Names follow composer.json's schema; constraints are
 * composer's operators, wildcards, `||` and `,`, stability flags and `dev-<branch>` — never a URL or path
 * (repositories are not configurable from a spec).
 */

import { joinSpec, splitSpec, type EcosystemGrammar } from './ecosystem-grammar';

const NAME = /^[a-z0-9]([_.-]?[a-z0-9]+)*\/[a-z0-9](([_.]|-{1,2})?[a-z0-9]+)*$/;
const STABILITY = '(?:@(?:dev|alpha|beta|RC|rc|stable))?';
const CONSTRAINT = new RegExp(
  '^(?:' +
    `(?:[<>]=?|!=|==?|\\^|~)?v?[0-9]+(?:\\.(?:[0-9]+|\\*|x))*(?:-?(?:alpha|beta|RC|rc|a|b|p|pl|patch|stable|dev)\\.?[0-9]*)?${STABILITY}` +
    `|\\*${STABILITY}|dev-[A-Za-z0-9._-]+|@(?:dev|alpha|beta|RC|rc|stable)` +
    ')$',
);

export const composerGrammar: EcosystemGrammar = {
  installer: 'composer',
  example: 'monolog/monolog@^3.0',
  parse(text, reject) {
    const { name, version } = splitSpec(text, '@', reject);
    if (!NAME.test(name)) reject(`"${name}" is not a composer package name (vendor/package, lowercase)`);
    if (version !== '') {
      for (const atom of version.split(/\|\|?|,/)) {
        if (!CONSTRAINT.test(atom)) {
          reject(`"${atom}" is not a composer version constraint (such as ^3.0, ~2.1, 1.*, >=1.0,<2.0)`);
        }
      }
    }
    return { installer: 'composer', name, version };
  },
  format: joinSpec('@'),
};
