/**
 * The text of a key: `cdr_<id>_<secret>`, where the id (12 hex digits) names the key's row and the
 * secret is 32 bytes from the system's CSPRNG, base64url. The prefix lets secret scanners and people
 * recognize a codering key in a paste or a commit.
 *
 * Only the SHA-256 of the whole text is stored. A slow password hash (bcrypt, scrypt, argon2) exists
 * to make guessing a low-entropy, human-chosen password expensive; a 256-bit random secret can't be
 * guessed at any speed, so a slow hash would add nothing but tens of milliseconds to every request.
 * A leaked database gives no usable key, and the comparison with the stored hash takes the same time
 * whatever the bytes (timingSafeEqual), so answer times say nothing of how close a guess was.
 */

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const KEY_PATTERN = /^cdr_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export interface NewKeySecret {
  id: string;
  /** The key as the client sends it; shown once, never stored. */
  text: string;
  sha256: string;
}

export function newKeySecret(): NewKeySecret {
  const id = randomBytes(6).toString('hex');
  const text = `cdr_${id}_${randomBytes(32).toString('base64url')}`;
  return { id, text, sha256: sha256Hex(text) };
}

/** The id a key's text names, or undefined when the text is not a key of ours at all. */
export function keyIdOf(text: string): string | undefined {
  return KEY_PATTERN.exec(text)?.[1];
}

/** Whether `text` hashes to `storedSha256` (hex), compared in constant time. */
export function secretMatches(text: string, storedSha256: string): boolean {
  const stored = Buffer.from(storedSha256, 'hex');
  const presented = createHash('sha256').update(text, 'utf8').digest();
  return stored.length === presented.length && timingSafeEqual(stored, presented);
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
