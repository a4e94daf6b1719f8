/**
 * What our images are called and how they are labelled. Repositories carry the tier and the
 * language; tags carry the version (readable) and a content hash (exact):
 *   codering/base:bookworm-0123456789ab
 *   codering/python:3.11.2-0123456789ab
 *   codering/python-exercise:3.11.2-0123456789ab
 *   codering/api:0.1.0-0123456789ab            (the API itself: package.json's version)
 * pushed as `<registry>/<repository>:<tag>`.
 */
import type { DebianSuite } from '../catalogue';

/** `api` is the registry API's own image, beside the chain: it runs the factory, it is not built by a runtime. */
export type Tier = 'base' | 'runtime' | 'exercise' | 'nuclio' | 'api';

/** Labels on every image and build we make; the reaper and `listImages` select by them. */
export const LABELS = {
  /** `true` on everything codering made (the Debian roots carry it too). */
  managed: 'org.codering.managed',
  // Our tier; the label keeps its first name, which the images already built carry.
  tier: 'org.codering.layer',
  suite: 'org.codering.suite',
  /** `python@3.11.2` */
  runtime: 'org.codering.runtime',
  language: 'org.codering.language',
  version: 'org.codering.version',
  /** Canonical library specs, space-separated (exercise images). */
  libraries: 'org.codering.libraries',
  /** The content tag the image was built for (set by the builder, not part of the hashed text). */
  contentTag: 'org.codering.content-tag',
  target: 'org.codering.target',
  nuclioProcessor: 'org.codering.nuclio-processor',
} as const;

export const ROOT_REPOSITORY = 'codering/debian';
export const BASE_REPOSITORY = 'codering/base';
/** The registry API's own image (`codering/api:0.1.0-0123456789ab`), what the Pulumi program deploys. */
export const API_REPOSITORY = 'codering/api';

/** The Debian root every image starts from (made by scripts/make-debian-root.sh). */
export function rootImage(suite: DebianSuite): string {
  return `${ROOT_REPOSITORY}:${suite}`;
}

export function runtimeRepository(language: string): string {
  return `codering/${language}`;
}

export function exerciseRepository(language: string): string {
  return `codering/${language}-exercise`;
}

export function nuclioRepository(language: string): string {
  return `codering/${language}-nuclio`;
}

/** `python@3.11.2` → `python`. */
export function languageOfRuntime(runtimeId: string): string {
  return runtimeId.slice(0, runtimeId.lastIndexOf('@'));
}

/**
 * The Nuclio function image of an image a function serves (a runtime's or an exercise's): its
 * language's `-nuclio` repository, tagged with the served image's own content tag
 * (`codering/python-exercise:3.11.2-0123456789ab` → `codering/python-nuclio:3.11.2-0123456789ab`).
 * The one name of it: `codering build --target nuclio` pushes it, infra pushes its runtimes' under
 * it, and the API reads the served image back from its tag (`servedImageName`).
 */
export function nuclioImageName(runtimeId: string, servedTag: string): string {
  return `${nuclioRepository(languageOfRuntime(runtimeId))}:${servedTag}`;
}

/** The inverse of `nuclioImageName`: the image a Nuclio function image tagged `nuclioTag` serves. */
export function servedImageName(runtimeId: string, libraries: readonly string[], nuclioTag: string): string {
  const language = languageOfRuntime(runtimeId);
  return `${libraries.length > 0 ? exerciseRepository(language) : runtimeRepository(language)}:${nuclioTag}`;
}

/** The nuclio target without Nuclio's processor (its `shell-runtime` stage), for the harness. */
export function nuclioShellRepository(language: string): string {
  return `codering/${language}-nuclio-shell`;
}

/** `bookworm-0123456789ab`: the readable prefix, a dash, the content hash. */
export function contentTagOf(prefix: string, hash: string): string {
  return `${prefix}-${hash}`;
}
