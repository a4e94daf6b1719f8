/** A small catalogue of our own: python (interpreted, pip) and c (compiled, no ecosystem). */

import { createCatalogue, type Catalogue, type RuntimeDefinition } from '../../../../factory/catalogue';

function definition(overrides: Partial<RuntimeDefinition> & Pick<RuntimeDefinition, 'language'>): RuntimeDefinition {
  return {
    displayName: overrides.language,
    aliases: [],
    main: 'main',
    compiled: false,
    libraries: 'none',
    versions: [],
    smoke: { files: [], stdin: '', args: [], expectedStdout: '' },
    runtimeScript: '#!/bin/sh\n',
    directory: `runtimes/${overrides.language}`,
    ...overrides,
  };
}

export function testCatalogue(): Catalogue {
  return createCatalogue([
    definition({
      language: 'python',
      displayName: 'Python',
      aliases: ['py', 'python3'],
      main: 'main.py',
      libraries: 'pip',
      versions: [
        { version: '3.13.5', suite: 'trixie', packages: ['python3'], upstreamImage: 'python:3.13-slim' },
        { version: '3.11.2', suite: 'bookworm', packages: ['python3'], upstreamImage: 'python:3.11-slim' },
      ],
    }),
    definition({
      language: 'c',
      displayName: 'C',
      main: 'main.c',
      compiled: true,
      versions: [{ version: '12.2.0', suite: 'bookworm', packages: ['gcc'], upstreamImage: 'gcc:12' }],
    }),
  ]);
}
