/**
 * The image factory's builder: request → resolve → validate libraries → render the chain
 * base → runtime → (exercise) → for each image, its content tag from its rendered text and its
 * parent's id → present locally? done. In the registry? pull it. Else build it → push it.
 *
 * - Nothing is built twice: a content tag that exists is the image; concurrent calls for the same tag
 *   share one build (single-flight), and builds run at most `buildConcurrency` at a time.
 * - A failed build throws `build_failed` with the failing step and its last output lines, after
 *   removing the intermediate images it left behind.
 * - `findImage` is the API's fast path: the same walk with inspections only, no build, no pull.
 *
 * The chain and its one walk are in image-chain.ts; building, finding and planning consume it here.
 */
import { variableFor } from '../../config';
import { CoderingError, isCoderingError } from '../../errors';
import { readProxySources, type ProxySourceFile } from '../../proxy';
import type { Catalogue, LibrarySpec, ResolvedRuntime } from '../catalogue';
import { packContext, type ContextFile, type EngineEvent, type EngineImage, type ImageEngine, type RegistryAuth } from '../engine';
import { formatLibrarySpec, parseLibrarySpecs } from '../libraries';
import type { ImageRegistryClient } from '../image-registry';
import { resolveRuntime } from '../resolve';
import { LABELS, nuclioImageName } from '../tags';
import {
  API_SUITE,
  nuclioProcessorImage,
  renderApiImage,
  renderNuclio,
  renderNuclioShell,
  type NuclioInput,
  type RenderedImage,
} from '../templates';
import { readApiImageFiles, type ApiImage } from './api-image';
import { BuildLog, removeBuildLeftovers } from './build-log';
import {
  imageChain,
  tierNames,
  unbuiltName,
  walkChain,
  type ImageChain,
  type NamedTier,
  type PlanFrom,
  type TierNames,
} from './image-chain';
import type {
  BuildProgress,
  BuiltImage,
  EnsureImageOptions,
  ImageBuilder,
  ImageLookup,
  ImageRequest,
} from './image-builder';
import { Semaphore, SingleFlight } from './single-flight';

export interface FactoryImageBuilderOptions {
  engine: ImageEngine;
  catalogue: Catalogue;
  /** Registry host the references name: `127.0.0.1:5000`. */
  registry: string;
  /**
   * The registry's HTTP API, for digests, "is it there?" and what an image there was built from;
   * null: nothing is pulled, digests come from the push, function images are always pushed.
   */
  imageRegistryClient: Pick<ImageRegistryClient, 'manifestDigest' | 'imageConfig'> | null;
  auth: RegistryAuth | null;
  /** The proxy's C sources and headers (the base image's context); default: read proxy/c/ once. */
  proxySources?: readonly ProxySourceFile[];
  buildConcurrency?: number;
  /** Deadline of one build (and of one push or pull). */
  buildTimeoutMs?: number;
  /** Default of EnsureImageOptions.push. */
  push?: boolean;
  /** CAs the exercise builder stage trusts (see CODERING_BUILD_CA); not part of any tag. */
  buildCertificates?: readonly ContextFile[];
  /** Nuclio processor version of `planImage`'s nuclio target (must equal the cluster's Nuclio). */
  nuclioProcessorVersion?: string;
  /** The API image's files (readApiImageFiles); default: read from the repository at each call. */
  apiImageFiles?: () => readonly ContextFile[];
}

/** One image of the chain, as found, pulled or built. */
export interface TierImage extends NamedTier {
  imageId: string;
  digest: string | null;
  built: boolean;
}

/** One image of a plan (`codering render`): its tag when its parent exists, else null. */
export interface PlannedImage {
  rendered: RenderedImage;
  tag: string | null;
  reference: string | null;
  /** Present on the engine now. */
  present: boolean;
}

export type PlanTarget = 'local' | 'nuclio';
export type { PlanFrom };

/** How one tier is obtained (`ensureTier`). */
interface TierOptions {
  push: boolean;
  onProgress?: (progress: BuildProgress) => void;
  signal?: AbortSignal;
}

interface Obtained {
  imageId: string;
  built: boolean;
  digest: string | null;
}

export class FactoryImageBuilder implements ImageBuilder, ImageLookup {
  private readonly engine: ImageEngine;
  private readonly images = new SingleFlight<Obtained, BuildProgress>();
  private readonly pushes = new SingleFlight<string | null, BuildProgress>();
  private readonly builds: Semaphore;
  /** Digests seen in the registry, by reference: a content tag's digest does not change once pushed. */
  private readonly digests = new Map<string, string>();
  private proxySources: readonly ProxySourceFile[] | undefined;

  constructor(private readonly options: FactoryImageBuilderOptions) {
    this.engine = options.engine;
    this.builds = new Semaphore(options.buildConcurrency ?? 1);
    this.proxySources = options.proxySources;
  }

  get catalogue(): Catalogue {
    return this.options.catalogue;
  }

  /** Resolves the runtime and validates the libraries (bad input throws the catalogue's 4xx errors). */
  resolve(request: ImageRequest): { resolved: ResolvedRuntime; libraries: LibrarySpec[] } {
    const resolved = resolveRuntime(this.options.catalogue, request.runtime);
    const libraries = parseLibrarySpecs(resolved.definition, request.libraries ?? []);
    return { resolved, libraries };
  }

  private proxy(): readonly ProxySourceFile[] {
    this.proxySources ??= readProxySources();
    return this.proxySources;
  }

  private chain(request: ImageRequest, from: PlanFrom = 'debian'): ImageChain {
    const { resolved, libraries } = this.resolve(request);
    return imageChain(resolved, libraries, from, { proxySources: () => this.proxy(), buildCertificates: this.options.buildCertificates });
  }

  private async root(reference: string, suite: string): Promise<EngineImage> {
    const root = await this.engine.inspectImage(reference);
    if (!root) {
      throw new CoderingError(
        'build_failed',
        `the Debian root image ${reference} is missing on the engine: run scripts/prepare-engine.sh (or scripts/make-debian-root.sh ${suite})`,
        { missing: reference },
      );
    }
    return root;
  }

  async ensureImage(
    request: ImageRequest,
    onProgress?: (progress: BuildProgress) => void,
    options: EnsureImageOptions = {},
  ): Promise<BuiltImage> {
    const chain = this.chain(request);
    const push = options.push ?? this.options.push ?? true;
    const root = await this.root(chain.root, chain.resolved.entry.suite);
    let tier: TierImage | undefined;
    let built = false;
    // Each image is pushed while the next one builds; all pushes are awaited before answering.
    const pushes: Array<Promise<string | null>> = [];
    const walk = walkChain(chain, this.options.registry, root.id);
    for (let step = walk.next(); !step.done; step = walk.next(tier.imageId)) {
      const { rendered, names } = step.value;
      tier = await this.obtainTier({ rendered, ...names }, { push: false, onProgress, signal: options.signal });
      if (push) {
        const pushing = this.pushTier(tier, onProgress, options.signal);
        // A failing push is reported below, not as an unhandled rejection while the next image builds.
        pushing.catch(() => undefined);
        pushes.push(pushing);
      }
      built ||= tier.built;
    }
    const final = tier as TierImage;
    if (push) {
      const digests = await Promise.all(pushes);
      final.digest = digests[digests.length - 1] ?? null;
    }
    return this.builtImage(chain, final, !built);
  }

  /**
   * Pushes one image unless the registry already holds it (single-flight per reference). `held`: the
   * image's digest in the registry when what is there is this image, else null; by default, whatever
   * is under its tag (a content tag names one content, so its digest is remembered).
   */
  private async pushTier(
    tier: NamedTier,
    onProgress: ((progress: BuildProgress) => void) | undefined,
    signal: AbortSignal | undefined,
    held?: (named: NamedTier) => Promise<string | null>,
  ): Promise<string | null> {
    const digest = await detachable(
      this.pushes.run(tier.reference, onProgress, (emit) => this.publish(tier, emit, held)),
      signal,
    );
    if (digest !== null && held === undefined) this.digests.set(tier.reference, digest);
    return digest;
  }

  private builtImage(chain: ImageChain, tier: TierImage, cached: boolean): BuiltImage {
    return {
      runtimeId: chain.resolved.id,
      reference: tier.reference,
      digest: tier.digest,
      cached,
      libraries: chain.libraries.map(formatLibrarySpec),
      imageId: tier.imageId,
    };
  }

  /** One image of the chain: found, pulled or built; pushed when asked. Exposed for the benchmark. */
  ensureTier(rendered: RenderedImage, parentId: string, options: TierOptions): Promise<TierImage> {
    return this.obtainTier({ rendered, ...tierNames(this.options.registry, rendered, parentId) }, options);
  }

  /** The build consumer of the walk: one named tier found, pulled or built, pushed when asked. */
  private async obtainTier(named: NamedTier, options: TierOptions): Promise<TierImage> {
    // The shared work is not tied to one caller's signal: a caller that leaves stops waiting, and the
    // build goes on to completion for the next caller (its own deadline still applies).
    const obtained = await detachable(
      this.images.run(named.reference, options.onProgress, (emit) => this.obtain(named, emit)),
      options.signal,
    );
    const tier: TierImage = { ...named, imageId: obtained.imageId, digest: obtained.digest, built: obtained.built };
    if (options.push) {
      tier.digest = await this.pushTier(tier, options.onProgress, options.signal);
    } else if (tier.digest === null) {
      tier.digest = this.digests.get(tier.reference) ?? (await this.registryDigest(tier.rendered.repository, tier.tag).catch(() => null));
    }
    return tier;
  }

  /** Makes `local` and `reference` exist on the engine: already there, pulled, or built. */
  private async obtain(named: NamedTier, emit: (progress: BuildProgress) => void): Promise<Obtained> {
    const { rendered, tag, local, reference } = named;
    const stage = rendered.tier;
    const present = await this.present(local, reference);
    if (present) return { imageId: present.id, built: false, digest: null };

    const digest = await this.registryDigest(rendered.repository, tag).catch(() => null);
    if (digest !== null) {
      emit({ stage, step: 0, total: 0, message: `pulling ${reference}` });
      const pulled = await this.engine.pullImage(reference, this.options.auth, {
        timeoutMs: this.options.buildTimeoutMs,
        onEvent: (event) => emit({ stage, step: 0, total: 0, message: eventLine(event) ?? `pulling ${reference}` }),
      });
      if (pulled) {
        await this.engine.tagImage(reference, local);
        const image = await this.engine.inspectImage(reference);
        if (image) return { imageId: image.id, built: false, digest };
      }
    }
    return this.builds.run(() => this.build(named, emit));
  }

  /** The image when present under either name; the missing name is added (a tag costs nothing). */
  private async present(local: string, reference: string): Promise<EngineImage | null> {
    const byReference = await this.engine.inspectImage(reference);
    if (byReference) return byReference;
    const byLocal = await this.engine.inspectImage(local);
    if (byLocal) await this.engine.tagImage(byLocal.id, reference);
    return byLocal;
  }

  private async registryDigest(repository: string, tag: string): Promise<string | null> {
    if (!this.options.imageRegistryClient) return null;
    return this.options.imageRegistryClient.manifestDigest(repository, tag);
  }

  private async build(named: NamedTier, emit: (progress: BuildProgress) => void): Promise<Obtained> {
    const { rendered, tag, local, reference } = named;
    const stage = rendered.tier;
    const log = new BuildLog();
    const context = await packContext([{ name: 'Dockerfile', content: rendered.dockerfile }, ...rendered.files]);
    emit({ stage, step: 0, total: 0, message: `building ${local}` });
    try {
      const { imageId } = await this.engine.buildImage(context, local, {
        labels: { [LABELS.managed]: 'true', [LABELS.contentTag]: tag },
        ...(rendered.target === undefined ? {} : { target: rendered.target }),
        timeoutMs: this.options.buildTimeoutMs,
        onEvent: (event) => {
          if (log.add(event)) emit({ stage, step: log.step, total: log.total, message: log.lastLine });
        },
      });
      await this.engine.tagImage(imageId, reference);
      return { imageId, built: true, digest: null };
    } catch (error) {
      const removed = await removeBuildLeftovers(this.engine, log.stepImages);
      throw failedBuild(error, rendered, local, log, removed);
    }
  }

  /** Pushes unless the registry already has the tag (or holds the image: `held`); the digest is the registry's own. */
  private async publish(
    named: NamedTier,
    emit: (progress: BuildProgress) => void,
    held?: (named: NamedTier) => Promise<string | null>,
  ): Promise<string | null> {
    const { rendered, tag, reference } = named;
    const stage = rendered.tier;
    // Asked every time (a HEAD costs a few ms): a registry that was emptied gets its images back.
    const known = held ? await held(named) : await this.registryDigest(rendered.repository, tag);
    if (known !== null) return known;
    emit({ stage, step: 0, total: 0, message: `pushing ${reference}` });
    const pushed = await this.engine.pushImage(reference, this.options.auth, {
      timeoutMs: this.options.buildTimeoutMs,
      onEvent: (event) => {
        const line = eventLine(event);
        if (line) emit({ stage, step: 0, total: 0, message: line });
      },
    });
    return (await this.registryDigest(rendered.repository, tag)) ?? pushed.digest;
  }

  /**
   * The API's own image (`codering/api`, see render-api-image.ts): found, pulled or built like any
   * tier, from the Debian root of its suite, and pushed unless told not to. Its files are read from
   * the repository at each call, so the tag follows the sources as they are now.
   */
  async ensureApiImage(onProgress?: (progress: BuildProgress) => void, options: EnsureImageOptions = {}): Promise<ApiImage> {
    const rendered = this.renderApiImage();
    const root = await this.root(rendered.parent, API_SUITE);
    const named: NamedTier = { rendered, ...tierNames(this.options.registry, rendered, root.id) };
    const push = options.push ?? this.options.push ?? true;
    const tier = await this.obtainTier(named, { push, onProgress, signal: options.signal });
    return { reference: tier.reference, local: tier.local, tag: tier.tag, digest: tier.digest, imageId: tier.imageId, cached: !tier.built };
  }

  /** The API image rendered, with its tag when its root is present (`codering api-image --render`). */
  async planApiImage(): Promise<PlannedImage> {
    const rendered = this.renderApiImage();
    const root = await this.engine.inspectImage(rendered.parent).catch(() => null);
    if (!root) return { rendered, tag: null, reference: null, present: false };
    const names = tierNames(this.options.registry, rendered, root.id);
    const present = (await this.engine.inspectImage(names.local).catch(() => null)) !== null;
    return { rendered, tag: names.tag, reference: names.reference, present };
  }

  private renderApiImage(): RenderedImage {
    const files = this.options.apiImageFiles?.() ?? readApiImageFiles();
    return renderApiImage({ files, buildCertificates: this.options.buildCertificates });
  }

  /**
   * The fast path: the image of `request` if every image of its chain is present on the engine.
   * Never builds, pulls or pushes; costs one inspect per image of the chain (+ one registry HEAD the
   * first time a reference is seen, for its digest).
   */
  async findImage(request: ImageRequest): Promise<BuiltImage | null> {
    const chain = this.chain(request);
    const root = await this.engine.inspectImage(chain.root);
    if (!root) return null;
    let found: (NamedTier & { imageId: string }) | undefined;
    const walk = walkChain(chain, this.options.registry, root.id);
    for (let step = walk.next(); !step.done; step = walk.next(found.imageId)) {
      const { rendered, names } = step.value;
      const image = await this.present(names.local, names.reference);
      if (!image) return null; // the walk stops here: nothing below a missing image can be present
      found = { rendered, ...names, imageId: image.id };
    }
    const last = found as NonNullable<typeof found>;
    let digest = this.digests.get(last.reference) ?? null;
    if (digest === null) {
      digest = await this.registryDigest(last.rendered.repository, last.tag).catch(() => null);
      if (digest !== null) this.digests.set(last.reference, digest);
    }
    return {
      runtimeId: chain.resolved.id,
      reference: last.reference,
      digest,
      cached: true,
      libraries: chain.libraries.map(formatLibrarySpec),
      imageId: last.imageId,
    };
  }

  /**
   * The image a Nuclio function of `request` runs, without Nuclio's processor: its nuclio target's
   * `shell-runtime` stage, FROM the request's image (built first when missing). What the integration
   * tier's shell-runtime harness runs on machines that cannot pull the processor; never pushed.
   */
  async ensureNuclioShellImage(
    request: ImageRequest,
    onProgress?: (progress: BuildProgress) => void,
    options: EnsureImageOptions = {},
  ): Promise<BuiltImage> {
    const { image, tier } = await this.ensureNuclioTarget(request, renderNuclioShell, onProgress, options);
    return { ...image, reference: tier.reference, digest: null, cached: image.cached && !tier.built, imageId: tier.imageId };
  }

  /**
   * The image a Nuclio function of `request` runs: its nuclio target's last stage (the request's image
   * + the shell-runtime handler + Nuclio's processor), FROM the request's image (ensured first, and
   * pushed like it). Found or built by its own content tag like every tier (the handler and the
   * processor version are part of it), then named as infra and the API name a function's image,
   * `<registry>/codering/<language>-nuclio:<the served image's content tag>` (`nuclioImageName`), and
   * pushed unless the registry holds this very build there already. A processor (or health client)
   * the engine cannot pull from quay.io fails the build with an error that names that image.
   */
  async ensureNuclioImage(
    request: ImageRequest,
    onProgress?: (progress: BuildProgress) => void,
    options: EnsureImageOptions = {},
  ): Promise<BuiltImage> {
    const push = options.push ?? this.options.push ?? true;
    const { image, tier, servedTag } = await this.ensureNuclioTarget(request, renderNuclio, onProgress, options);
    const named: NamedTier = { rendered: tier.rendered, ...this.functionImageNames(image.runtimeId, servedTag) };
    // The build's own content-tagged names stay local; the function's name moves to this build.
    await this.engine.tagImage(tier.imageId, named.reference);
    const holds = (functionImage: NamedTier) => this.registryHolds(functionImage, tier.tag);
    const digest = push ? await this.pushTier(named, onProgress, options.signal, holds) : null;
    return { ...image, reference: named.reference, digest, cached: image.cached && !tier.built, imageId: tier.imageId };
  }

  /**
   * One image of the nuclio target of `request`'s image (`render`: the function's whole image, or its
   * shell-runtime stage), FROM that image, which is ensured first. Never pushed here.
   */
  private async ensureNuclioTarget(
    request: ImageRequest,
    render: (input: NuclioInput) => RenderedImage,
    onProgress: ((progress: BuildProgress) => void) | undefined,
    options: EnsureImageOptions,
  ): Promise<{ image: BuiltImage; tier: TierImage; servedTag: string }> {
    const image = await this.ensureImage(request, onProgress, options);
    const planned = await this.planImage(request);
    const last = planned[planned.length - 1] as PlannedImage;
    const processorVersion = this.options.nuclioProcessorVersion;
    const rendered = render({ image: { ...last.rendered, reference: image.reference }, processorVersion });
    try {
      // ensureImage always names the image's id: the parent's id is part of the stage's content tag
      const tier = await this.ensureTier(rendered, image.imageId as string, { push: false, onProgress, signal: options.signal });
      // the image was just ensured: the plan names it
      return { image, tier, servedTag: last.tag as string };
    } catch (error) {
      throw unpulledImage(error, rendered, processorVersion);
    }
  }

  /** What a function image is called: by the image it serves (infra's and the API's name), in our registry. */
  private functionImageNames(runtimeId: string, servedTag: string): TierNames {
    const local = nuclioImageName(runtimeId, servedTag);
    return { tag: servedTag, local, reference: `${this.options.registry}/${local}` };
  }

  /** The function image's digest in the registry when the image there was built for `contentTag`, else null. */
  private async registryHolds(named: NamedTier, contentTag: string): Promise<string | null> {
    const { repository } = named.rendered;
    const config = await this.options.imageRegistryClient?.imageConfig(repository, named.tag).catch(() => null);
    if (config?.labels[LABELS.contentTag] !== contentTag) return null;
    return this.registryDigest(repository, named.tag);
  }

  /**
   * What would be built, without building: every image of the chain rendered, with its tag when its
   * parent is present on the engine (else the tag and the FROM of the next image say `unbuilt`).
   * `from: 'upstream'` starts the runtime FROM the catalogue's upstream image; `target: 'nuclio'`
   * adds the Nuclio image of the last one.
   */
  async planImage(request: ImageRequest, options: { from?: PlanFrom; target?: PlanTarget } = {}): Promise<PlannedImage[]> {
    const chain = this.chain(request, options.from);
    const planned: PlannedImage[] = [];
    const rootId =
      options.from === 'upstream'
        ? chain.root // never pulled here: the upstream reference stands for its id
        : ((await this.engine.inspectImage(chain.root).catch(() => null))?.id ?? null);
    const walk = walkChain<string | null>(chain, this.options.registry, rootId);
    let image: EngineImage | null = null;
    for (let step = walk.next(); !step.done; step = walk.next(image?.id ?? null)) {
      const { rendered, names } = step.value;
      image = names === null ? null : await this.engine.inspectImage(names.local).catch(() => null);
      planned.push({ rendered, tag: names?.tag ?? null, reference: names?.reference ?? null, present: image !== null });
    }
    if (options.target === 'nuclio') {
      const last = planned[planned.length - 1] as PlannedImage;
      const served = { ...last.rendered, reference: last.reference ?? `${this.options.registry}/${unbuiltName(last.rendered)}` };
      const rendered = renderNuclio({ image: served, processorVersion: this.options.nuclioProcessorVersion });
      // Named by the served image's tag (ensureNuclioImage); present when the image of that name is this build.
      const names = last.tag === null ? null : this.functionImageNames(chain.resolved.id, last.tag);
      const found = names === null || image === null ? null : await this.engine.inspectImage(names.reference).catch(() => null);
      const present = image !== null && found?.labels[LABELS.contentTag] === tierNames(this.options.registry, rendered, image.id).tag;
      planned.push({ rendered, tag: names?.tag ?? null, reference: names?.reference ?? null, present });
    }
    return planned;
  }
}

/** The line a progress event shows: a push's `layer: Pushed`, a pull's `Downloading …`. */
function eventLine(event: EngineEvent): string | null {
  if (event.status) return `${event.id ? `${event.id}: ` : ''}${event.status}${event.progress ? ` ${event.progress}` : ''}`;
  const stream = event.stream?.trim();
  return stream ? stream : null;
}

/** Resolves/rejects as `promise`, or rejects with the signal's reason when the caller stops waiting. */
function detachable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(stopped(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(stopped(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function stopped(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new CoderingError('internal', 'the image request was cancelled');
}

/** The error a failed build is reported with: which image, which step, and the step's last lines. */
function failedBuild(error: unknown, rendered: RenderedImage, local: string, log: BuildLog, removed: string[]): Error {
  const details = {
    stage: rendered.tier,
    image: local,
    runtime: rendered.runtimeId,
    step: log.step,
    total: log.total,
    instruction: log.instruction,
    log: log.currentStepLines(),
    /** Intermediate images of the failed build that were removed. */
    removedImages: removed,
  };
  const where = log.step > 0 ? ` at step ${log.step}/${log.total} (${truncate(log.instruction, 120)})` : '';
  if (isCoderingError(error)) {
    const engineMessage = (error.details.engineMessage as string | undefined) ?? error.message;
    const message =
      error.code === 'build_failed'
        ? `the ${rendered.tier} image ${local} failed to build${where}: ${engineMessage}`
        : `the ${rendered.tier} image ${local} did not build${where}: ${error.message}`;
    return new CoderingError(error.code, message, { ...error.details, ...details }, { cause: error });
  }
  return new CoderingError('build_failed', `the ${rendered.tier} image ${local} failed to build${where}: ${String(error)}`, details, {
    cause: error,
  });
}

/**
 * A failed build of a nuclio target that stopped at a FROM of Nuclio's own images (quay.io), said so:
 * the engine's message alone ("dial tcp: lookup quay.io", "manifest unknown") often names neither
 * the image nor what sets its version. Any other error is returned as it is.
 */
function unpulledImage(error: unknown, rendered: RenderedImage, processorVersion: string | undefined): unknown {
  if (!isCoderingError(error) || error.code !== 'build_failed') return error;
  const instruction = typeof error.details.instruction === 'string' ? error.details.instruction : '';
  const engineMessage = typeof error.details.engineMessage === 'string' ? error.details.engineMessage : error.message;
  const external = rendered.externalImages ?? [];
  const missing =
    external.find((image) => instruction.startsWith(`FROM ${image}`) || engineMessage.includes(image)) ??
    // no step seen (the engine failed before saying one): its message names the registry at least
    (instruction === '' ? external.find((image) => engineMessage.includes(image.slice(0, image.indexOf('/')))) : undefined);
  if (missing === undefined) return error;
  const key = variableFor('/factory/nuclioProcessorVersion')?.name ?? 'nuclioProcessorVersion';
  const processor = nuclioProcessorImage(processorVersion);
  const of = [rendered.runtimeId, ...rendered.libraries].join(' + ');
  return new CoderingError(
    'build_failed',
    `the Nuclio image of ${of} (${String(error.details.image ?? rendered.repository)}) needs ${missing}, ` +
      `which the engine could not pull: ${engineMessage}. Build it where the engine reaches quay.io (or load ${missing} ` +
      `into this engine first); Nuclio's processor is ${processor}, its version set by ${key}, which must equal the cluster's Nuclio`,
    { ...error.details, missingImage: missing, processorImage: processor, configKey: key },
    { cause: error },
  );
}

function truncate(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}
