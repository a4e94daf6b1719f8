/**
 * Content-addressed tags: an image's tag is a short sha256 of everything that decides its content —
 * the rendered Dockerfile, every context file (name and bytes, in name order) and the id of the
 * image it starts FROM. Same inputs, same tag, on any machine; change a library, a package,
 * runtime.sh, the proxy's source or the Debian root, and the tag changes, so a stale image is never
 * mistaken for a current one and nothing needs invalidating by hand.
 */
import { createHash } from 'node:crypto';
import type { ContextFile } from '../engine';

/** Hex digits kept: 48 bits, far beyond the number of images one registry will ever hold. */
export const CONTENT_HASH_LENGTH = 12;
/** Bumped when the hashing itself changes, so that old and new tags can never collide. */
const FORMAT = 'codering-content-tag/1';

export interface TagInput {
  dockerfile: string;
  files: readonly ContextFile[];
  /** The parent image's id (`sha256:…`), or its reference when it cannot be known (never built here). */
  parentId: string;
}

/**
 * The full sha256 (hex). Every part is length-prefixed, so no two different inputs serialise alike
 * (a file name cannot swallow the next file's bytes).
 */
export function contentDigest(input: TagInput): string {
  const hash = createHash('sha256');
  const part = (kind: string, bytes: Buffer | string) => {
    const buffer = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
    hash.update(`${kind} ${buffer.length}\n`);
    hash.update(buffer);
    hash.update('\n');
  };
  hash.update(`${FORMAT}\n`);
  part('parent', input.parentId);
  part('dockerfile', input.dockerfile);
  // Files of the build's environment (excludeFromTag) do not make a different image: same tag.
  const files = input.files.filter((file) => !file.excludeFromTag).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const file of files) {
    part('name', file.name);
    // The mode matters too: a runtime.sh that loses its execute bit is a different image.
    part('mode', (file.mode ?? 0o644).toString(8));
    part('file', file.content);
  }
  return hash.digest('hex');
}

/** The 12 hex digits that end a tag. */
export function contentHash(input: TagInput): string {
  return contentDigest(input).slice(0, CONTENT_HASH_LENGTH);
}
