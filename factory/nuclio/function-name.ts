/**
 * Names of Nuclio functions. A function named `n` gets a Deployment and a Service called `nuclio-n`;
 * a Service name is a DNS-1035 label (≤ 63 chars, starts with a letter), so a function name may use
 * at most 63 - 7 = 56 characters. Names are derived, never chosen by hand: the Pulumi program that
 * deploys a runtime's function and the API that invokes it compute the same name from the same input.
 */

import { createHash } from 'node:crypto';
import { DEFAULT_CONFIG } from '../../config';
import { CoderingError } from '../../errors';

/** The platform prepends `nuclio-` to a function's name for its Deployment and Service. */
export const NUCLIO_RESOURCE_PREFIX = 'nuclio-';
export const MAX_FUNCTION_NAME_LENGTH = 63 - NUCLIO_RESOURCE_PREFIX.length;
/** CODERING_NUCLIO_FUNCTION_PREFIX's default: what infra deploys and the API derives names with. */
export const DEFAULT_FUNCTION_PREFIX = DEFAULT_CONFIG.nuclio.functionPrefix;

const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** True for a name Nuclio can deploy as is (a DNS-1035 label that fits `nuclio-<name>`). */
export function isFunctionName(name: string): boolean {
  return name.length <= MAX_FUNCTION_NAME_LENGTH && DNS_LABEL.test(name);
}

/**
 * `prefix + raw`, lowercased, every run of other characters turned into one `-`. When the result is too
 * long, it is cut and ends with a hash of the full text, so two long names stay distinct.
 */
export function toFunctionName(raw: string, prefix: string = DEFAULT_FUNCTION_PREFIX): string {
  const slug = `${prefix}${raw}`
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  let name = slug;
  if (name.length > MAX_FUNCTION_NAME_LENGTH) {
    const hash = createHash('sha256').update(slug).digest('hex').slice(0, 8);
    name = `${slug.slice(0, MAX_FUNCTION_NAME_LENGTH - hash.length - 1).replace(/-+$/, '')}-${hash}`;
  }
  if (!isFunctionName(name)) {
    throw new CoderingError('internal', `"${raw}" gives no valid Nuclio function name (got "${name}")`, {
      raw,
      prefix,
      name,
    });
  }
  return name;
}

/** `python@3.11.2` → `codering-python-3-11-2`. */
export function functionNameForRuntime(runtimeId: string, prefix: string = DEFAULT_FUNCTION_PREFIX): string {
  return toFunctionName(runtimeId, prefix);
}

/** An image reference split: `registry:5000/codering/python:3.11.2-3f83…@sha256:…` → `codering/python`, `3.11.2-3f83…`. */
export interface ImageName {
  /** The repository without the registry host (`codering/python`). */
  repository: string;
  /** `latest` when the reference names none. */
  tag: string;
}

/**
 * The repository and tag of a reference, as the factory names images (`codering/<…>:<tag>`): the
 * digest and the registry host (a first path component with a `.` or a `:`, or `localhost`) left out.
 */
export function imageNameOf(reference: string): ImageName {
  const withoutDigest = reference.split('@')[0] ?? reference;
  const parts = withoutDigest.split('/');
  const first = parts[0] ?? '';
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')) parts.shift();
  const path = parts.join('/');
  // The tag is after the last ':' of the last path segment.
  const lastSlash = path.lastIndexOf('/');
  const colon = path.indexOf(':', lastSlash + 1);
  const name = { repository: colon === -1 ? path : path.slice(0, colon), tag: colon === -1 ? 'latest' : path.slice(colon + 1) };
  if (name.repository === '' || name.tag === '') {
    throw new CoderingError('internal', `"${reference}" is not an image reference`, { reference });
  }
  return name;
}

/**
 * The function that serves an image: `registry:5000/codering/python:3.11.2@sha256:…` →
 * `codering-python-3-11-2`. The registry host, the path and the digest are ignored, so the API finds
 * the function whatever host it pulls from; the image's last path segment and its tag make the name
 * (a runtime image tagged with its version gives the same name as `functionNameForRuntime`).
 */
export function functionNameForImage(reference: string, prefix: string = DEFAULT_FUNCTION_PREFIX): string {
  const withoutDigest = reference.split('@')[0] ?? reference;
  // The tag is after the last ':' of the last path segment; a ':' before a '/' is a registry port.
  const lastSlash = withoutDigest.lastIndexOf('/');
  const lastSegment = withoutDigest.slice(lastSlash + 1);
  const colon = lastSegment.indexOf(':');
  // `python-nuclio` (the image with Nuclio's processor) serves the same runtime as `python`.
  const repository = (colon === -1 ? lastSegment : lastSegment.slice(0, colon)).replace(/-nuclio$/, '');
  const tag = colon === -1 ? 'latest' : lastSegment.slice(colon + 1);
  if (repository === '' || tag === '') {
    throw new CoderingError('internal', `"${reference}" is not an image reference`, { reference });
  }
  return toFunctionName(`${repository}-${tag}`, prefix);
}
