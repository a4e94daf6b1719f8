/**
 * Hand-made runtime definitions for the factory's unit tests: stable, so that the golden Dockerfiles
 * change only when the templates do, not when the catalogue under runtimes/ is edited.
 */
import { createCatalogue, type Catalogue, type ResolvedRuntime, type RuntimeDefinition } from '../../../factory/catalogue';
import type { ProxySourceFile } from '../../../proxy';

function definition(partial: Partial<RuntimeDefinition> & Pick<RuntimeDefinition, 'language' | 'versions' | 'libraries'>): RuntimeDefinition {
  return {
    displayName: partial.language,
    aliases: [],
    main: 'main.txt',
    compiled: false,
    smoke: { files: [{ name: 'main.txt', content: '' }], stdin: '', args: [], expectedStdout: '' },
    runtimeScript: `#!/bin/sh\n# ${partial.language}\nexec true\n`,
    directory: `runtimes/${partial.language}`,
    ...partial,
  };
}

export const PYTHON = definition({
  language: 'python',
  aliases: ['py'],
  main: 'main.py',
  libraries: 'pip',
  versions: [
    { version: '3.11.2', suite: 'bookworm', packages: ['python3'], libraryPackages: ['python3-pip'], upstreamImage: 'python:3.11-slim-bookworm' },
    { version: '3.9.2', suite: 'bullseye', packages: ['python3'], libraryPackages: ['python3-pip'], upstreamImage: 'python:3.9-slim-bullseye' },
  ],
  runtimeScript: '#!/bin/sh\nset -eu\ncase "${1:-}" in\n  compile) exit 0 ;;\n  run) shift; exec python3 "$CODERING_MAIN" "$@" ;;\nesac\n',
});

export const NODE = definition({
  language: 'node',
  aliases: ['js'],
  main: 'main.js',
  libraries: 'npm',
  prewarm: true,
  versions: [
    { version: '18.20.4', suite: 'bookworm', packages: ['nodejs'], libraryPackages: ['npm'], upstreamImage: 'node:18-bookworm-slim' },
  ],
});

export const GO = definition({
  language: 'go',
  main: 'main.go',
  compiled: true,
  libraries: 'none',
  versions: [
    {
      version: '1.19.8',
      suite: 'bookworm',
      packages: ['golang-go'],
      upstreamImage: 'golang:1.19-bookworm',
      prepare: ['mkdir -p /opt/codering/go-cache && GOCACHE=/opt/codering/go-cache go build std'],
    },
  ],
});

export const RUBY = definition({
  language: 'ruby',
  main: 'main.rb',
  libraries: 'gem',
  versions: [{ version: '3.1.2', suite: 'bookworm', packages: ['ruby'], upstreamImage: 'ruby:3.1-slim-bookworm' }],
});

export const PHP = definition({
  language: 'php',
  main: 'main.php',
  libraries: 'composer',
  versions: [
    { version: '8.2.32', suite: 'bookworm', packages: ['php-cli'], libraryPackages: ['composer'], upstreamImage: 'php:8.2-cli-bookworm' },
  ],
});

export const C = definition({
  language: 'c',
  main: 'main.c',
  compiled: true,
  libraries: 'none',
  versions: [{ version: '12.2.0', suite: 'bookworm', packages: ['gcc', 'libc6-dev'], upstreamImage: 'gcc:12' }],
});

export const TEST_CATALOGUE: Catalogue = createCatalogue([PYTHON, NODE, GO, RUBY, PHP, C]);

/** The resolved runtime of a fixture's version (newest by default). */
export function resolved(definition: RuntimeDefinition, version?: string): ResolvedRuntime {
  const entry = version === undefined ? definition.versions[0] : definition.versions.find((v) => v.version === version);
  if (!entry) throw new Error(`no version ${version} in the ${definition.language} fixture`);
  return { id: `${definition.language}@${entry.version}`, language: definition.language, version: entry.version, definition, entry };
}

/** A stand-in for the proxy's sources (proxy/c/): the goldens must not change when the proxy does. */
export const PROXY_SOURCES: ProxySourceFile[] = [
  { name: 'main.c', content: Buffer.from('#include "stand-in.h"\nint main(void) { return STAND_IN; }\n') },
  { name: 'stand-in.h', content: Buffer.from('#define STAND_IN 0\n') },
];
