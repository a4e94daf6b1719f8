/**
 * `language@range` as exercise authors and the UI write it. Parsed with a whitelist before anything else
 * looks at it: the name and the range end up in image tags, log lines and error messages.
 */

import { CoderingError } from '../../errors';

export interface RuntimeRequest {
  /** As written, lowercased: a language or an alias. */
  name: string;
  /** The semver range, `latest`, or '' when none was given (which means latest). */
  range: string;
}

const MAX_REQUEST_LENGTH = 100;
const NAME = /^[a-z][a-z0-9+#._-]*$/;
/** What semver ranges are made of: digits, letters (`x`, prerelease tags), operators, `||`, spaces. */
const RANGE_CHARACTERS = /^[0-9A-Za-z.*^~<>=|+ -]*$/;

export function parseRuntimeRequest(request: string): RuntimeRequest {
  const shown = String(request).slice(0, MAX_REQUEST_LENGTH);
  const malformed = (why: string): never => {
    throw new CoderingError('invalid_request', `runtime ${JSON.stringify(shown)} ${why}`, { runtime: shown });
  };
  if (typeof request !== 'string') return malformed('must be a string such as python@3.11');
  if (request.length > MAX_REQUEST_LENGTH) malformed(`is longer than ${MAX_REQUEST_LENGTH} characters`);
  const text = request.trim();
  if (text === '') malformed('is empty: write a language such as python or python@3.11');

  const at = text.indexOf('@');
  const name = (at === -1 ? text : text.slice(0, at)).toLowerCase();
  const range = at === -1 ? '' : text.slice(at + 1).trim();
  if (name === '') malformed('names no language before "@"');
  if (!NAME.test(name)) malformed('has a language name with characters other than a-z, 0-9, + # . _ -');
  if (at !== -1 && range === '') {
    throw new CoderingError('invalid_version_range', `runtime "${text}" has an empty version after "@"`, {
      runtime: text,
    });
  }
  if (!RANGE_CHARACTERS.test(range)) {
    throw new CoderingError(
      'invalid_version_range',
      `version range "${range}" of "${name}" has characters other than digits, letters, . * ^ ~ < > = | + - and spaces`,
      { runtime: text, range },
    );
  }
  return { name, range: range.replace(/\s+/g, ' ') };
}
