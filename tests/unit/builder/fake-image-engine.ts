/**
 * An ImageEngine in memory, with the classic builder's event stream: `Step n/m : …`, output lines,
 * ` ---> <id>` per step. Builds can be slowed (to overlap concurrent calls) or made to fail at a step
 * (leaving untagged intermediate images, as the real engine does).
 */
import { createHash } from 'node:crypto';
import { extract } from 'tar-stream';
import { Readable } from 'node:stream';
import { CoderingError } from '../../../errors';
import type {
  BuildImageOptions,
  BuildResult,
  EngineEvent,
  EngineImage,
  ImageEngine,
  PushResult,
  RegistryAuth,
  RemoveOutcome,
  StreamCallOptions,
} from '../../../factory/engine';
import type { ImageConfig } from '../../../factory/image-registry';

export interface BuildCall {
  tag: string;
  dockerfile: string;
  files: string[];
  labels: Record<string, string>;
  target?: string;
}

function id(seed: string): string {
  return `sha256:${createHash('sha256').update(seed).digest('hex')}`;
}

async function readContext(context: Buffer): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const tar = extract();
  await new Promise<void>((resolve, reject) => {
    tar.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
      stream.on('end', () => {
        files.set(header.name, Buffer.concat(chunks).toString('utf8'));
        next();
      });
    });
    tar.on('finish', resolve);
    tar.on('error', reject);
    Readable.from([context]).pipe(tar);
  });
  return files;
}

/** The instructions up to the end of stage `target` (`FROM … AS <target>`); all of them without one. */
function untilTarget(steps: string[], target: string | undefined): string[] {
  if (target === undefined) return steps;
  const start = steps.findIndex((step) => new RegExp(`^FROM \\S+ AS ${target}$`).test(step));
  const next = steps.findIndex((step, index) => index > start && step.startsWith('FROM '));
  return start === -1 || next === -1 ? steps : steps.slice(0, next);
}

/** The labels the LABEL steps set (`LABEL k="v" k2="v2"`), later ones over earlier ones, as a real build. */
function dockerfileLabels(steps: string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const step of steps.filter((s) => s.startsWith('LABEL '))) {
    for (const [, key, value] of step.matchAll(/(\S+?)="((?:[^"\\]|\\.)*)"/g)) labels[key as string] = JSON.parse(`"${value}"`) as string;
  }
  return labels;
}

export class FakeImageEngine implements ImageEngine {
  readonly images = new Map<string, EngineImage>();
  readonly builds: BuildCall[] = [];
  readonly pushes: string[] = [];
  readonly pulls: string[] = [];
  readonly removed: string[] = [];
  /** Milliseconds each build takes. */
  buildDelayMs = 0;
  /**
   * Fail builds whose tag matches, at the first step whose instruction matches, with this output and
   * the engine's message (default: a RUN step's non-zero exit).
   */
  failing: { tag: RegExp; instruction: RegExp; output: string[]; message?: string } | null = null;
  /** What a push answers; `registry` of the test records the pushed tags (and the image's labels). */
  onPush: (reference: string, image: EngineImage) => void = () => {};
  /** Tags a pull can find (a registry's content). */
  pullable = new Map<string, EngineImage>();
  activeBuilds = 0;
  maxActiveBuilds = 0;
  private counter = 0;

  /** An image as `docker import` makes it (a root). */
  addImage(reference: string, labels: Record<string, string> = { 'org.codering.managed': 'true' }): EngineImage {
    const image: EngineImage = { id: id(reference), tags: [reference], labels, created: 0, size: 1 };
    this.images.set(image.id, image);
    return image;
  }

  private find(reference: string): EngineImage | null {
    for (const image of this.images.values()) {
      if (image.id === reference || image.tags.includes(reference)) return image;
      if (/^[0-9a-f]{12}$/.test(reference) && image.id.startsWith(`sha256:${reference}`)) return image;
    }
    return null;
  }

  private untag(reference: string): void {
    for (const image of this.images.values()) image.tags = image.tags.filter((tag) => tag !== reference);
  }

  async ping(): Promise<void> {}

  async inspectImage(reference: string): Promise<EngineImage | null> {
    const image = this.find(reference);
    return image ? { ...image, tags: [...image.tags] } : null;
  }

  async buildImage(context: Buffer, tag: string, options: BuildImageOptions = {}): Promise<BuildResult> {
    const files = await readContext(context);
    const dockerfile = files.get('Dockerfile') ?? '';
    this.builds.push({ tag, dockerfile, files: [...files.keys()].sort(), labels: options.labels ?? {}, ...(options.target === undefined ? {} : { target: options.target }) });
    this.activeBuilds += 1;
    this.maxActiveBuilds = Math.max(this.maxActiveBuilds, this.activeBuilds);
    try {
      if (this.buildDelayMs) await new Promise((resolve) => setTimeout(resolve, this.buildDelayMs));
      // Instructions as the classic builder counts them: continuation lines joined, comments dropped;
      // with a target, the stages after it are not built.
      const steps = untilTarget(
        dockerfile
          .replace(/\\\n/g, '')
          .split('\n')
          .filter((line) => /^[A-Z]+ /.test(line)),
        options.target,
      );
      const emit = (event: EngineEvent) => options.onEvent?.(event);
      const from = /^FROM (\S+)/.exec(steps[0] ?? '')?.[1] ?? '';
      let parent = this.find(from);
      const failing = this.failing;
      const failAt = failing && failing.tag.test(tag) ? steps.findIndex((s) => failing.instruction.test(s)) + 1 : 0;
      for (let step = 1; step <= steps.length; step += 1) {
        emit({ stream: `Step ${step}/${steps.length} : ${steps[step - 1]}\n` });
        if (step === 1) {
          emit({ stream: ` ---> ${(parent?.id ?? id(from)).slice(7, 19)}\n` });
          continue;
        }
        emit({ stream: ` ---> Running in ${String(this.counter).padStart(12, 'c')}\n` });
        if (step === failAt) {
          for (const line of this.failing?.output ?? []) emit({ stream: `${line}\n` });
          const message = this.failing?.message ?? `The command '/bin/sh -c ${steps[step - 1]}' returned a non-zero code: 1`;
          emit({ errorDetail: { code: 1, message }, error: message });
          throw new CoderingError('build_failed', `build ${tag}: ${message}`, { engineMessage: message, tag });
        }
        this.counter += 1;
        const intermediate: EngineImage = {
          id: id(`${tag}#${step}#${this.counter}`),
          tags: [],
          labels: { ...(parent?.labels ?? {}), 'org.codering.managed': 'true' },
          created: 0,
          size: 1,
        };
        this.images.set(intermediate.id, intermediate);
        emit({ stream: ` ---> ${intermediate.id.slice(7, 19)}\n` });
        parent = intermediate;
      }
      const built = parent as EngineImage;
      this.untag(tag);
      built.tags.push(tag);
      built.labels = { ...built.labels, ...dockerfileLabels(steps), ...(options.labels ?? {}) };
      emit({ aux: { ID: built.id } });
      emit({ stream: `Successfully tagged ${tag}\n` });
      return { imageId: built.id };
    } finally {
      this.activeBuilds -= 1;
    }
  }

  async tagImage(source: string, target: string): Promise<void> {
    const image = this.find(source);
    if (!image) throw new CoderingError('internal', `no such image ${source}`);
    this.untag(target);
    image.tags.push(target);
  }

  async pushImage(reference: string, _auth: RegistryAuth | null, options: StreamCallOptions = {}): Promise<PushResult> {
    const image = this.find(reference);
    if (!image) throw new CoderingError('internal', `no such image ${reference}`);
    this.pushes.push(reference);
    options.onEvent?.({ status: 'Pushed', id: 'layer' });
    this.onPush(reference, image);
    return { digest: id(`manifest:${reference}#${image.id}`) };
  }

  async pullImage(reference: string): Promise<boolean> {
    this.pulls.push(reference);
    const image = this.pullable.get(reference);
    if (!image) return false;
    this.images.set(image.id, { ...image, tags: [reference] });
    return true;
  }

  async removeImage(reference: string): Promise<RemoveOutcome> {
    const image = this.find(reference);
    if (!image) return 'missing';
    this.images.delete(image.id);
    this.removed.push(image.id);
    return 'removed';
  }

  async listImages(labels: Record<string, string>): Promise<EngineImage[]> {
    return [...this.images.values()].filter((image) =>
      Object.entries(labels).every(([key, value]) => (value === '' ? key in image.labels : image.labels[key] === value)),
    );
  }
}

/** The registry's manifests, as the builder's registry client sees them. */
export class FakeImageRegistry {
  readonly manifests = new Map<string, string>();
  /** The labels of each pushed image's config. */
  readonly configs = new Map<string, Record<string, string>>();
  heads = 0;

  constructor(readonly registry: string = 'registry.test:5000') {}

  async listTags(repository: string): Promise<string[]> {
    return [...this.manifests.keys()].filter((name) => name.startsWith(`${repository}:`)).map((name) => name.slice(repository.length + 1));
  }

  async manifestDigest(repository: string, tag: string): Promise<string | null> {
    this.heads += 1;
    return this.manifests.get(`${repository}:${tag}`) ?? null;
  }

  async imageConfig(repository: string, tag: string): Promise<ImageConfig | null> {
    const labels = this.configs.get(`${repository}:${tag}`);
    return labels === undefined ? null : { labels, created: null };
  }

  /** Records a push of `<registry>/<repository>:<tag>`: a new manifest for each image pushed there. */
  record(reference: string, image?: EngineImage): void {
    const withoutRegistry = reference.slice(reference.indexOf('/') + 1);
    this.manifests.set(withoutRegistry, id(`manifest:${reference}${image ? `#${image.id}` : ''}`));
    this.configs.set(withoutRegistry, { ...(image?.labels ?? {}) });
  }
}
