/**
 * The JSON schema of one `runtimes/<language>/runtime.yaml`. Strict on purpose: an unknown key is a
 * typo that would otherwise be silently ignored (and the image built without what the author meant).
 * Semver validity is a custom format so that ajv names the field that carries a bad version.
 */

import type { JSONSchemaType } from 'ajv';
import type { DebianSuite, LibraryInstaller, RuntimeDefinition } from './runtime-definition';

export const DEBIAN_SUITES: readonly DebianSuite[] = ['bullseye', 'bookworm', 'trixie'];
export const LIBRARY_INSTALLERS: readonly LibraryInstaller[] = ['npm', 'pip', 'gem', 'composer', 'apt', 'none'];

/** The file as written by a human: the definition without what the loader derives. */
export type RuntimeYaml = Omit<RuntimeDefinition, 'runtimeScript' | 'directory'>;

/** Names a request can use: lowercase, and the few symbols languages are known by (`c++`, `c#`). */
export const RUNTIME_NAME_PATTERN = '^[a-z][a-z0-9+#._-]{0,31}$';
/** Debian policy §5.6.1 package names. */
export const DEBIAN_PACKAGE_PATTERN = '^[a-z0-9][a-z0-9+.-]+$';
/** A Docker image reference without a digest: `python:3.11-slim-bookworm`, `library/gcc:12`. */
const IMAGE_REFERENCE_PATTERN = '^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$';
/** A plain relative file name for the smoke program: no directories, no dot files. */
const FILE_NAME_PATTERN = '^[A-Za-z0-9_][A-Za-z0-9_.-]*$';

export const runtimeYamlSchema: JSONSchemaType<RuntimeYaml> = {
  type: 'object',
  additionalProperties: false,
  required: ['language', 'displayName', 'aliases', 'main', 'compiled', 'libraries', 'versions', 'smoke'],
  properties: {
    language: { type: 'string', pattern: RUNTIME_NAME_PATTERN },
    displayName: { type: 'string', minLength: 1, maxLength: 64 },
    aliases: {
      type: 'array',
      uniqueItems: true,
      items: { type: 'string', pattern: RUNTIME_NAME_PATTERN },
    },
    main: { type: 'string', pattern: FILE_NAME_PATTERN, maxLength: 64 },
    compiled: { type: 'boolean' },
    prewarm: { type: 'boolean', nullable: true },
    libraries: { type: 'string', enum: [...LIBRARY_INSTALLERS] },
    versions: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['version', 'suite', 'packages', 'upstreamImage'],
        properties: {
          version: { type: 'string', format: 'semver' },
          suite: { type: 'string', enum: [...DEBIAN_SUITES] },
          packages: {
            type: 'array',
            minItems: 1,
            uniqueItems: true,
            items: { type: 'string', pattern: DEBIAN_PACKAGE_PATTERN },
          },
          upstreamImage: { type: 'string', pattern: IMAGE_REFERENCE_PATTERN },
          prepare: {
            type: 'array',
            nullable: true,
            items: { type: 'string', minLength: 1 },
          },
          libraryPackages: {
            type: 'array',
            nullable: true,
            uniqueItems: true,
            items: { type: 'string', pattern: DEBIAN_PACKAGE_PATTERN },
          },
        },
      },
    },
    smoke: {
      type: 'object',
      additionalProperties: false,
      required: ['files', 'stdin', 'args', 'expectedStdout'],
      properties: {
        files: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'content'],
            properties: {
              name: { type: 'string', pattern: FILE_NAME_PATTERN },
              content: { type: 'string', minLength: 1 },
            },
          },
        },
        stdin: { type: 'string' },
        args: { type: 'array', items: { type: 'string' } },
        expectedStdout: { type: 'string', minLength: 1 },
      },
    },
  },
};
