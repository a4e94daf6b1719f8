import { createHash } from 'node:crypto';
import { keyIdOf, newKeySecret, secretMatches } from '../../../registry-api/auth';

describe('a key as text, and its hash', () => {
  test('cdr_<12 hex id>_<43 base64url>: 256 random bits, a new id and secret each time', () => {
    const keys = Array.from({ length: 50 }, () => newKeySecret());
    for (const key of keys) {
      expect(key.text).toMatch(/^cdr_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
      expect(keyIdOf(key.text)).toBe(key.id);
    }
    expect(new Set(keys.map((key) => key.id)).size).toBe(50);
    expect(new Set(keys.map((key) => key.text.slice(17))).size).toBe(50);
  });

  test('only the SHA-256 of the text is kept, and it never contains the secret', () => {
    const key = newKeySecret();
    expect(key.sha256).toBe(createHash('sha256').update(key.text).digest('hex'));
    expect(key.sha256).not.toContain(key.text.slice(17));
  });

  test('the text matches its own hash and nothing else does', () => {
    const key = newKeySecret();
    expect(secretMatches(key.text, key.sha256)).toBe(true);
    const last = key.text.at(-1) === 'A' ? 'B' : 'A';
    expect(secretMatches(`${key.text.slice(0, -1)}${last}`, key.sha256)).toBe(false);
    expect(secretMatches(newKeySecret().text, key.sha256)).toBe(false);
    expect(secretMatches(key.text, '')).toBe(false);
    expect(secretMatches(key.text, 'abcd')).toBe(false);
  });

  test.each(['', 'cdr_', 'Bearer x', 'cdr_0123456789ab', 'cdr_0123456789AB_' + 'a'.repeat(43), 'cdr_0123456789ab_' + 'a'.repeat(42), 'cdr_0123456789ab_' + 'a'.repeat(43) + '\n'])(
    '%j is not a key',
    (text) => expect(keyIdOf(text)).toBeUndefined(),
  );
});
