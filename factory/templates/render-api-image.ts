/**
 * The registry API's own image, `codering/api`: what runs the API in a container (the local
 * platform through the engine's socket, or the nuclio platform in a cluster). A pure function of
 * the files it is given, like the other tiers: the content tag hashes the Dockerfile, every file
 * and the Debian root's id, so an unchanged repository is never built twice.
 */
import type { DebianSuite } from '../catalogue';
import type { ContextFile } from '../engine/build-context';
import { API_REPOSITORY, LABELS, rootImage } from '../tags/image-names';
import { buildCertificateFiles, IMAGE_PATH, type EnvVar, type RenderedImage } from './render-image';
import { renderTemplate } from './template-engine';

/**
 * Debian's Node.js of this suite runs the API: trixie's is 20.19 (bookworm's 18 is below
 * package.json's engines, and the image build checks the engines range against the node it gets).
 */
export const API_SUITE: DebianSuite = 'trixie';
/** Where the API's files are in the image; the repository root of the code that runs there. */
export const API_HOME = '/opt/codering/api';
/** CODERING_DATA_DIR in the image: the only place it writes (job database, lock file). */
export const API_DATA_DIR = '/data';
export const API_PORT = 8080;
/** The API's user and group in the image (the Pulumi Deployment's runAsUser too). */
export const API_UID = 1000;
/** The API's entry, as `npm start` runs it (tsx registry-api/server.ts). */
export const API_ENTRY = 'registry-api/server.ts';
/**
 * What the image runs: the same entry compiled to JavaScript beside it when the image is built (by
 * esbuild, which is what tsx transforms it with), stack traces mapped back to the TypeScript.
 */
export const API_ENTRYPOINT = ['/usr/bin/tini', '--', 'node', '--enable-source-maps', API_ENTRY.replace(/\.ts$/, '.js')];
/** Context folder of the API's files. */
export const API_CONTEXT_DIRECTORY = 'api';

/**
 * What the API's process needs from the repository: its code (and the factory it builds runtime
 * images with), the catalogue and the proxy's C sources those images compile, the templates, the
 * manifest and lockfile its node_modules come from. Nothing of infra/, bench/, scripts/ or tests/.
 */
export const API_CONTEXT_ENTRIES = [
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'config',
  'errors',
  'factory',
  'proxy',
  'registry-api',
  'runtimes',
] as const;

/**
 * Left out at any depth, as a .dockerignore would: data, git, installed modules, build output,
 * tests and their fixtures, documentation (a README change must not make a new image), dotfiles.
 */
export const API_CONTEXT_IGNORE = [
  '.data/',
  '.git/',
  'node_modules/',
  'dist/',
  'coverage/',
  'tests/',
  '__tests__/',
  'fixtures/',
  '*.test.ts',
  '*.spec.ts',
  '*.md',
  '*.log',
  '.*',
  '*~',
] as const;

/** Dependencies of the Pulumi program alone: `infra/` imports them, the API never does. */
export function isDeployOnlyDependency(name: string): boolean {
  return name.startsWith('@pulumi/');
}

interface PackageManifest {
  version?: string;
  engines?: { node?: string };
  dependencies?: Record<string, string>;
  /** Packages whose install scripts may run (true) or not (false). */
  allowScripts?: Record<string, boolean>;
}

export interface ApiImageInput {
  /**
   * The API's files by their path in the repository (API_CONTEXT_ENTRIES, read with
   * API_CONTEXT_IGNORE): package.json and package-lock.json among them.
   */
  files: readonly ContextFile[];
  /** CAs npm trusts while the modules stage builds (CODERING_BUILD_CA); not part of the tag. */
  buildCertificates?: readonly ContextFile[];
}

function manifestOf(files: readonly ContextFile[]): PackageManifest {
  const file = files.find((candidate) => candidate.name === 'package.json');
  if (!file) throw new Error('the API image needs package.json among its files');
  if (!files.some((candidate) => candidate.name === 'package-lock.json')) {
    throw new Error('the API image needs package-lock.json among its files: its node_modules come from the lockfile');
  }
  return JSON.parse(file.content.toString()) as PackageManifest;
}

export function renderApiImage(input: ApiImageInput): RenderedImage {
  const manifest = manifestOf(input.files);
  const engines = manifest.engines?.node ?? '*';
  const root = rootImage(API_SUITE);
  const env: EnvVar[] = [
    { name: 'CODERING_DATA_DIR', value: API_DATA_DIR },
    // Inside a container the loopback default would be unreachable: listen on every address.
    { name: 'CODERING_HOST', value: '0.0.0.0' },
    { name: 'CODERING_PORT', value: String(API_PORT) },
  ];
  // double quotes only, so that the shell's single quotes around it need no escape
  const moduleCheck = [
    `const range = ${JSON.stringify(engines)};`,
    'if (!require("semver").satisfies(process.version, range)) {',
    'console.error("codering: node " + process.version + " does not satisfy engines.node " + range); process.exit(1); }',
    'new (require("better-sqlite3"))(":memory:").prepare("select 1").get();',
  ].join(' ');
  const dockerfile = renderTemplate('api.Dockerfile', {
    entry: API_ENTRY,
    suite: API_SUITE,
    rootImage: root,
    home: API_HOME,
    dataDir: API_DATA_DIR,
    uid: API_UID,
    port: API_PORT,
    // libnode-dev: node's headers, for native modules; python3, make, g++: node-gyp's toolchain
    buildPackages: ['nodejs', 'npm', 'libnode-dev', 'python3', 'make', 'g++', 'ca-certificates'],
    packages: ['nodejs', 'tini', 'ca-certificates'],
    deployOnly: Object.keys(manifest.dependencies ?? {}).filter(isDeployOnlyDependency).sort(),
    installScripts: Object.entries(manifest.allowScripts ?? {})
      .filter(([name, allowed]) => allowed && !isDeployOnlyDependency(name))
      .map(([name]) => name)
      .sort(),
    moduleCheck,
    env,
    path: IMAGE_PATH,
    entrypoint: API_ENTRYPOINT,
    labels: [
      { name: LABELS.managed, value: 'true' },
      { name: LABELS.tier, value: 'api' },
      { name: LABELS.suite, value: API_SUITE },
      { name: LABELS.version, value: manifest.version ?? '0.0.0' },
    ],
  });
  return {
    tier: 'api',
    repository: API_REPOSITORY,
    tagPrefix: manifest.version ?? API_SUITE,
    parent: root,
    dockerfile,
    files: [
      ...buildCertificateFiles(input.buildCertificates ?? []),
      ...input.files.map((file) => ({ name: `${API_CONTEXT_DIRECTORY}/${file.name}`, content: file.content })),
    ],
    env,
    runtimeId: null,
    libraries: [],
  };
}
