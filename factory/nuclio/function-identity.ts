/**
 * What a function serves, beyond what infra already writes on it (the runtime id and the served image,
 * nuclio-function-spec.ts): an exercise's libraries. The API cannot compute an image's content tag
 * (it hashes the id of the Debian root image, which only the engine that imported the root knows), so
 * it matches a request to a function by the *image key* instead: the resolved runtime id and the
 * canonical libraries, the same key the build jobs are idempotent by. The exact libraries are an
 * annotation (what the API reads through the dashboard); a hash of the key is a label, for selectors
 * (`kubectl get nucliofunctions -l codering.org/image-key=…`).
 */

import { createHash } from 'node:crypto';

/** Canonical library specs, space-separated; absent on a runtime's own function. */
export const LIBRARIES_ANNOTATION = 'codering.org/libraries';
/** 20 hex digits of the image key's sha256. */
export const IMAGE_KEY_LABEL = 'codering.org/image-key';

const IMAGE_KEY_HASH_LENGTH = 20;

/** `python@3.11.2+requests==2.31.0`: same key, same image (and same build job, same function). */
export function imageKeyOf(runtimeId: string, libraries: readonly string[] = []): string {
  return [runtimeId, ...libraries].join('+');
}

export function imageKeyHash(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, IMAGE_KEY_HASH_LENGTH);
}

/** The label and annotation that say which runtime + libraries a function serves. */
export function imageKeyMetadata(runtimeId: string, libraries: readonly string[]): {
  labels: Record<string, string>;
  annotations: Record<string, string>;
} {
  return {
    labels: { [IMAGE_KEY_LABEL]: imageKeyHash(imageKeyOf(runtimeId, libraries)) },
    annotations: libraries.length === 0 ? {} : { [LIBRARIES_ANNOTATION]: libraries.join(' ') },
  };
}
