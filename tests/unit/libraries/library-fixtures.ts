import type { LibraryInstaller, RuntimeDefinition } from '../../../factory/catalogue';

/** A runtime whose only property that matters here is its library ecosystem. */
export function runtimeWith(libraries: LibraryInstaller, language = `lang-${libraries}`): RuntimeDefinition {
  return {
    language,
    displayName: language,
    aliases: [],
    main: 'main',
    compiled: false,
    libraries,
    versions: [{ version: '1.0.0', suite: 'bookworm', packages: ['x1'], upstreamImage: 'x:1' }],
    smoke: { files: [{ name: 'main', content: 'x' }], stdin: '', args: [], expectedStdout: 'x' },
    runtimeScript: '#!/bin/sh\n',
    directory: `runtimes/${language}`,
  };
}
