/**
 * Image references, split the way the engine and the registry need them. The tag is what follows
 * the last `:` *after the last `/`*: in `127.0.0.1:5000/codering/base:bookworm-…` the first `:` is
 * the registry's port, not a tag separator.
 */

export interface ImageReference {
  /** `127.0.0.1:5000`, or '' for a name without a registry part (`codering/debian`). */
  registry: string;
  /** Repository path inside the registry: `codering/python`. */
  path: string;
  /** `3.11.2-0123abcd4567`, or '' when the reference has no tag. */
  tag: string;
  /** `sha256:…`, or '' when the reference has no digest. */
  digest: string;
}

/** Whether the first path component names a registry host rather than a namespace (Docker's rule). */
function isRegistryHost(component: string): boolean {
  return component.includes('.') || component.includes(':') || component === 'localhost';
}

export function parseImageReference(reference: string): ImageReference {
  let rest = reference;
  let digest = '';
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag = '';
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.indexOf(':', lastSlash + 1);
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  let registry = '';
  const firstSlash = rest.indexOf('/');
  if (firstSlash > 0 && isRegistryHost(rest.slice(0, firstSlash))) {
    registry = rest.slice(0, firstSlash);
    rest = rest.slice(firstSlash + 1);
  }
  return { registry, path: rest, tag, digest };
}

/** `registry/path` without tag or digest: what the engine calls the repository of a tag. */
export function repositoryOf(reference: ImageReference): string {
  return reference.registry ? `${reference.registry}/${reference.path}` : reference.path;
}

export function formatImageReference(reference: ImageReference): string {
  let text = repositoryOf(reference);
  if (reference.tag) text += `:${reference.tag}`;
  if (reference.digest) text += `@${reference.digest}`;
  return text;
}
