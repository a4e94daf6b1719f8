/**
 * Renders the Dockerfile (and the few context files) of each tier of the chain:
 *   base (per Debian suite) → runtime (language@version) → exercise (+ libraries) [→ nuclio target]
 * Pure functions of their inputs: the parent images are given as references, so the same inputs
 * always render the same bytes — which is what the content tag hashes.
 */
import { DEFAULT_CONFIG } from '../../config';
import type { DebianSuite, LibrarySpec, ResolvedRuntime } from '../catalogue';
import type { ContextFile } from '../engine/build-context';
import { formatLibrarySpec } from '../libraries';
import type { ProxySourceFile } from '../../proxy';
import {
  BASE_REPOSITORY,
  exerciseRepository,
  LABELS,
  type Tier,
  nuclioRepository,
  nuclioShellRepository,
  rootImage,
  runtimeRepository,
} from '../tags/image-names';
import { renderTemplate } from './template-engine';

/** An environment variable an image sets for the student's program (the proxy passes the image's ENV on). */
export interface EnvVar {
  name: string;
  value: string;
}

export interface RenderedImage {
  tier: Tier;
  /** Repository without registry: `codering/python`. */
  repository: string;
  /** The readable part of the tag, before the content hash: `3.11.2`, `bookworm`. */
  tagPrefix: string;
  /** The image the final stage starts FROM: its id is part of the content tag. */
  parent: string;
  dockerfile: string;
  /** Context files besides the Dockerfile. */
  files: ContextFile[];
  /**
   * Variables this image and its parents set for the proxy and the program, beyond the base's PATH
   * and LANG: Nuclio's shell runtime does not pass the image's ENV, so its handler sets them itself.
   */
  env: EnvVar[];
  /** `python@3.11.2`, or null for a base image. */
  runtimeId: string | null;
  /** Canonical library specs installed by this image (exercise images). */
  libraries: string[];
  /** The Dockerfile's stage this image is (`docker build --target`); the last stage when absent. */
  target?: string;
  /**
   * Images stages start FROM that none of ours makes, pulled by the engine while it builds (Nuclio's,
   * from quay.io): a build that fails there fails for want of one of them.
   */
  externalImages?: string[];
}

/** The entrypoint of every image: tini as PID 1 (reaps, forwards signals), then the proxy. */
export const ENTRYPOINT = ['/usr/bin/tini', '-s', '--', '/opt/codering/bin/codering-proxy'];
export const DEFAULT_COMMAND = ['--serve'];
/** The PATH of every image (imported Debian roots have none in their config). */
export const IMAGE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The build context folder of the proxy's C sources (proxy/c/), compiled together in the builder stage. */
export const PROXY_CONTEXT_DIRECTORY = 'proxy';

/** The proxy's sources as context files: each one is hashed, so the tag changes with any of them. */
function proxyContextFiles(sources: readonly ProxySourceFile[]): ContextFile[] {
  return sources.map((file) => ({ name: `${PROXY_CONTEXT_DIRECTORY}/${file.name}`, content: file.content }));
}

/**
 * Nuclio's processor image version for the cluster target: CODERING_NUCLIO_PROCESSOR_VERSION's
 * default, kept in the configuration's table with the other defaults.
 */
export const NUCLIO_PROCESSOR_VERSION = DEFAULT_CONFIG.factory.nuclioProcessorVersion;
/** Nuclio's health-check client image, as Nuclio's own Dockerfiles use it. */
export const NUCLIO_UHTTPC_VERSION = '0.0.1';

/** Nuclio's processor image of a version: `quay.io/nuclio/processor:1.14.1-amd64`. */
export function nuclioProcessorImage(version: string = NUCLIO_PROCESSOR_VERSION): string {
  return `quay.io/nuclio/processor:${version}-amd64`;
}

function nuclioUhttpcImage(version: string): string {
  return `quay.io/nuclio/uhttpc:${version}-amd64`;
}

function labels(entries: Record<string, string>): EnvVar[] {
  return Object.entries(entries).map(([name, value]) => ({ name, value }));
}

export interface BaseInput {
  suite: DebianSuite;
  /** Every C source and header of the proxy (proxy's readProxySources). */
  proxySources: readonly ProxySourceFile[];
}

/**
 * What every image has besides its runtime: tini (PID 1), the CAs, and setcap (libcap2-bin), with
 * which a Nuclio function image gives the proxy its file capabilities in one quick step instead of
 * an apt run per image.
 */
const BASE_PACKAGES = ['tini', 'ca-certificates', 'libcap2-bin'];

export function renderBase(input: BaseInput): RenderedImage {
  const root = rootImage(input.suite);
  const dockerfile = renderTemplate('base.Dockerfile', {
    suite: input.suite,
    rootImage: root,
    buildPackages: ['gcc', 'libc6-dev'],
    packages: BASE_PACKAGES,
    entrypoint: ENTRYPOINT,
    command: DEFAULT_COMMAND,
    labels: labels({ [LABELS.managed]: 'true', [LABELS.tier]: 'base', [LABELS.suite]: input.suite }),
  });
  return {
    tier: 'base',
    repository: BASE_REPOSITORY,
    tagPrefix: input.suite,
    parent: root,
    dockerfile,
    files: proxyContextFiles(input.proxySources),
    env: [],
    runtimeId: null,
    libraries: [],
  };
}

function runtimeLabels(runtime: ResolvedRuntime, tier: Tier): EnvVar[] {
  return labels({
    [LABELS.managed]: 'true',
    [LABELS.tier]: tier,
    [LABELS.suite]: runtime.entry.suite,
    [LABELS.runtime]: runtime.id,
    [LABELS.language]: runtime.language,
    [LABELS.version]: runtime.version,
  });
}

/**
 * What the runtime image's ENV tells the proxy (the proxy-switches partial renders the same):
 * compile before run, keep an interpreter prewarmed.
 */
function proxySwitches(runtime: ResolvedRuntime): EnvVar[] {
  const env: EnvVar[] = [];
  if (runtime.definition.compiled) env.push({ name: 'CODERING_COMPILED', value: '1' });
  if (runtime.definition.prewarm === true) env.push({ name: 'CODERING_PREWARM', value: '1' });
  return env;
}

/** runtime.sh is executed by the proxy: mode 0755 (the classic builder has no COPY --chmod). */
function runtimeScript(runtime: ResolvedRuntime): ContextFile {
  return { name: 'runtime.sh', content: runtime.definition.runtimeScript, mode: 0o755 };
}

export interface RuntimeInput {
  runtime: ResolvedRuntime;
  /** The base image of the runtime's suite, as a local reference (`codering/base:bookworm-…`). */
  baseImage: string;
}

export function renderRuntime(input: RuntimeInput): RenderedImage {
  const { runtime } = input;
  const dockerfile = renderTemplate('runtime.Dockerfile', {
    runtimeId: runtime.id,
    language: runtime.language,
    version: runtime.version,
    suite: runtime.entry.suite,
    baseImage: input.baseImage,
    packages: runtime.entry.packages,
    prepare: runtime.entry.prepare ?? [],
    compiled: runtime.definition.compiled,
    prewarm: runtime.definition.prewarm === true,
    labels: runtimeLabels(runtime, 'runtime'),
  });
  return {
    tier: 'runtime',
    repository: runtimeRepository(runtime.language),
    tagPrefix: runtime.version,
    parent: input.baseImage,
    dockerfile,
    files: [runtimeScript(runtime)],
    env: proxySwitches(runtime),
    runtimeId: runtime.id,
    libraries: [],
  };
}

export interface UpstreamRuntimeInput {
  runtime: ResolvedRuntime;
  /** Every C source and header of the proxy (proxy's readProxySources). */
  proxySources: readonly ProxySourceFile[];
}

/** The runtime FROM the catalogue's `upstreamImage`, for clusters that can pull (`--from upstream`). */
export function renderUpstreamRuntime(input: UpstreamRuntimeInput): RenderedImage {
  const { runtime } = input;
  const upstream = runtime.entry.upstreamImage;
  const dockerfile = renderTemplate('runtime-upstream.Dockerfile', {
    runtimeId: runtime.id,
    upstreamImage: upstream,
    buildPackages: ['gcc', 'libc6-dev'],
    basePackages: BASE_PACKAGES,
    prepare: runtime.entry.prepare ?? [],
    compiled: runtime.definition.compiled,
    prewarm: runtime.definition.prewarm === true,
    entrypoint: ENTRYPOINT,
    command: DEFAULT_COMMAND,
    labels: labels({
      ...Object.fromEntries(runtimeLabels(runtime, 'runtime').map((l) => [l.name, l.value])),
      [LABELS.target]: 'upstream',
    }),
  });
  return {
    tier: 'runtime',
    repository: runtimeRepository(runtime.language),
    tagPrefix: `${runtime.version}-upstream`,
    parent: upstream,
    dockerfile,
    files: [...proxyContextFiles(input.proxySources), runtimeScript(runtime)],
    env: proxySwitches(runtime),
    runtimeId: runtime.id,
    libraries: [],
  };
}

/** Where each ecosystem installs, and what tells the interpreter to look there. */
const LIBRARY_ENV: Record<string, EnvVar[]> = {
  npm: [{ name: 'NODE_PATH', value: '/opt/codering/lib/node/node_modules' }],
  pip: [{ name: 'PYTHONPATH', value: '/opt/codering/lib/python' }],
  // The trailing `:` keeps RubyGems' default path (Debian's own gems) after ours.
  gem: [{ name: 'GEM_PATH', value: '/opt/codering/lib/ruby:' }],
  // composer: no variable; php.ini's auto_prepend_file loads the autoloader (see the template).
  composer: [],
};

export interface ExerciseInput {
  runtime: ResolvedRuntime;
  /** The runtime image, as a local reference (`codering/node:18.20.4-…`). */
  runtimeImage: string;
  /** Validated and sorted by factory/libraries' parseLibrarySpecs: never raw strings. */
  libraries: readonly LibrarySpec[];
  /**
   * PEM certificates the library installers trust while building (CODERING_BUILD_CA: a
   * TLS-intercepting proxy's CA). Only the builder stage sees them; they are not part of the tag.
   */
  buildCertificates?: readonly ContextFile[];
}

/** The build context folder of the builder stage's extra CAs (always present, often empty). */
export const BUILD_CA_DIRECTORY = 'build-ca';

/** The builder stage's extra CAs as context files (the folder is there even without one). */
export function buildCertificateFiles(certificates: readonly ContextFile[]): ContextFile[] {
  return [
    // Keeps the folder (and so the Dockerfile) the same with or without certificates.
    { name: `${BUILD_CA_DIRECTORY}/.keep`, content: '', excludeFromTag: true },
    ...certificates.map((file) => ({
      name: `${BUILD_CA_DIRECTORY}/${file.name.replace(/^.*\//, '').replace(/\.(pem|crt)$/, '')}.crt`,
      content: file.content,
      excludeFromTag: true,
    })),
  ];
}

export function renderExercise(input: ExerciseInput): RenderedImage {
  const { runtime, libraries } = input;
  if (libraries.length === 0) throw new Error('an exercise image needs at least one library');
  const byInstaller = (installer: string) => libraries.filter((spec) => spec.installer === installer);
  const ecosystem = runtime.definition.libraries;
  const own = ecosystem === 'none' || ecosystem === 'apt' ? [] : byInstaller(ecosystem);
  for (const spec of libraries) {
    if (spec.installer !== 'apt' && spec.installer !== ecosystem) {
      throw new Error(`${formatLibrarySpec(spec)} is not a ${ecosystem} library of ${runtime.id}`);
    }
  }
  const canonical = libraries.map(formatLibrarySpec);
  const builder = own.length > 0;
  const libraryEnv = builder ? (LIBRARY_ENV[ecosystem] ?? []) : [];
  const dockerfile = renderTemplate('exercise.Dockerfile', {
    runtimeId: runtime.id,
    librariesText: canonical.join(' '),
    runtimeImage: input.runtimeImage,
    builder,
    libraryPackages: builder ? (runtime.entry.libraryPackages ?? []) : [],
    // Each ecosystem's installer is given the spec as its own command line writes it.
    npm: ecosystem === 'npm' ? own.map((spec) => (spec.version ? `${spec.name}@${spec.version}` : spec.name)) : [],
    pip: ecosystem === 'pip' ? own.map(formatLibrarySpec) : [],
    gem:
      ecosystem === 'gem'
        ? own.map((spec) => ({ name: spec.name, requirements: spec.version ? spec.version.split(',') : [] }))
        : [],
    composer: ecosystem === 'composer' ? own.map((spec) => (spec.version ? `${spec.name}:${spec.version}` : spec.name)) : [],
    apt: byInstaller('apt').map((spec) => (spec.version ? `${spec.name}=${spec.version}` : spec.name)),
    env: libraryEnv,
    labels: labels({
      [LABELS.managed]: 'true',
      [LABELS.tier]: 'exercise',
      [LABELS.runtime]: runtime.id,
      [LABELS.libraries]: canonical.join(' '),
    }),
  });
  return {
    tier: 'exercise',
    repository: exerciseRepository(runtime.language),
    tagPrefix: runtime.version,
    parent: input.runtimeImage,
    dockerfile,
    files: builder ? buildCertificateFiles(input.buildCertificates ?? []) : [],
    // The runtime's own variables are inherited from its image; the Nuclio handler needs them all.
    env: [...proxySwitches(runtime), ...libraryEnv],
    runtimeId: runtime.id,
    libraries: canonical,
  };
}

export interface NuclioInput {
  /** The runtime or exercise image the function runs, as its registry reference. */
  image: RenderedImage & { reference: string };
  processorVersion?: string;
  uhttpcVersion?: string;
}

/** The nuclio target's stage without Nuclio's processor: what the shell-runtime harness runs. */
export const NUCLIO_SHELL_STAGE = 'shell-runtime';

/**
 * The Nuclio target of an image: the image + the shell-runtime handler that runs the proxy once per
 * event (stage `shell-runtime`), then + Nuclio's processor (the last stage, the function's image).
 */
export function renderNuclio(input: NuclioInput): RenderedImage {
  const { image } = input;
  const processorVersion = input.processorVersion ?? NUCLIO_PROCESSOR_VERSION;
  const processorImage = nuclioProcessorImage(processorVersion);
  const uhttpcImage = nuclioUhttpcImage(input.uhttpcVersion ?? NUCLIO_UHTTPC_VERSION);
  const handler = renderTemplate('nuclio-handler.sh', { image: image.reference, path: IMAGE_PATH, env: image.env });
  const dockerfile = renderTemplate('nuclio.Dockerfile', {
    image: image.reference,
    shellStage: NUCLIO_SHELL_STAGE,
    processorVersion,
    processorImage,
    uhttpcImage,
    entrypoint: ENTRYPOINT.slice(0, 3),
    shellLabels: labels({ [LABELS.target]: 'nuclio-shell' }),
    labels: labels({ [LABELS.target]: 'nuclio', [LABELS.nuclioProcessor]: processorVersion }),
  });
  return {
    tier: 'nuclio',
    repository: nuclioRepository(imageLanguage(image)),
    tagPrefix: image.tagPrefix,
    parent: image.reference,
    dockerfile,
    files: [{ name: 'handler.sh', content: handler, mode: 0o755 }],
    env: image.env,
    runtimeId: image.runtimeId,
    libraries: image.libraries,
    externalImages: [processorImage, uhttpcImage],
  };
}

/**
 * The nuclio target's `shell-runtime` stage: the same Dockerfile and handler, built with `--target`,
 * so that it is exactly the function's image without the processor (which these machines cannot
 * pull). Its own repository keeps it apart from the function's image.
 */
export function renderNuclioShell(input: NuclioInput): RenderedImage {
  return {
    ...renderNuclio(input),
    repository: nuclioShellRepository(imageLanguage(input.image)),
    target: NUCLIO_SHELL_STAGE,
  };
}

function imageLanguage(image: RenderedImage): string {
  return image.runtimeId?.split('@')[0] ?? 'base';
}
