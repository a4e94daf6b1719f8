/**
 * gem: `name[@requirement[,requirement...]]`, e.g. `rake`, `rake@13.0.6`, `rake@~>13.0`,
 * `nokogiri@>=1.15,<2`. RubyGems' own requirement grammar, without the optional space after the operator
 * (specs contain no whitespace at all). Each requirement becomes one `-v` of `gem install`.
 */

import { joinSpec, splitSpec, type EcosystemGrammar } from './ecosystem-grammar';

const MAX_NAME_LENGTH = 100;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const REQUIREMENT = /^(?:=|!=|>|<|>=|<=|~>)?[0-9]+(?:\.[0-9A-Za-z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

export const gemGrammar: EcosystemGrammar = {
  installer: 'gem',
  example: 'rake@13.0.6 or nokogiri@~>1.15',
  parse(text, reject) {
    const { name, version } = splitSpec(text, '@', reject);
    if (name.length > MAX_NAME_LENGTH) reject(`the gem name is longer than ${MAX_NAME_LENGTH} characters`);
    if (!NAME.test(name) || !/[A-Za-z]/.test(name)) reject(`"${name}" is not a valid gem name`);
    if (version !== '') {
      for (const requirement of version.split(',')) {
        if (!REQUIREMENT.test(requirement)) {
          reject(`"${requirement}" is not a RubyGems requirement (such as 13.0.6, ~>13.0, >=1.15)`);
        }
      }
    }
    return { installer: 'gem', name, version };
  },
  format: joinSpec('@'),
};
