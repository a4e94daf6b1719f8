/**
 * Where the image of a function the API must deploy comes from: the image registry, read over its
 * HTTP API (no engine). A runtime's or an exercise's Nuclio image (the factory's nuclio target: the
 * image + Nuclio's processor) is pushed by `codering build --target nuclio` (infra pushes its
 * runtimes' the same way) as `codering/<language>-nuclio:<the served image's content tag>`
 * (`nuclioImageName`). It is found by the labels the factory built it with (`org.codering.runtime`,
 * `org.codering.libraries`, `org.codering.target=nuclio`), because a content tag cannot be computed
 * here (it depends on the Debian root's image id). A tag's runtime, libraries and target never change
 * (a rebuild for a new processor keeps the served image, and so them): its config is cached for good;
 * its digest is asked each time.
 */

import type { ImageRegistryClient } from '../../../factory/image-registry';
import { languageOfRuntime, LABELS, nuclioRepository, servedImageName } from '../../../factory/tags';

export interface FunctionImage {
  /** `codering/python-nuclio` */
  repository: string;
  /** `3.11.2-0123456789ab`: the served image's content tag. */
  tag: string;
  /** The manifest digest (`sha256:…`), to pin the function to. */
  digest: string | null;
  /** The image the function serves, as the API runs it, without registry: `codering/python-exercise:3.11.2-…`. */
  served: string;
}

export interface FunctionImageLocator {
  /** The newest image built for exactly this runtime + libraries, or null when none was pushed. */
  find(runtimeId: string, libraries: readonly string[], signal?: AbortSignal): Promise<FunctionImage | null>;
  /** Where `find` looks, for messages: `<registry>/codering/python-nuclio`. */
  where(runtimeId: string): string;
}

interface Candidate {
  tag: string;
  labels: Record<string, string>;
  created: string | null;
}

export class RegistryImageLocator implements FunctionImageLocator {
  private readonly configs = new Map<string, Omit<Candidate, 'tag'> | null>();

  constructor(private readonly client: Pick<ImageRegistryClient, 'registry' | 'listTags' | 'imageConfig' | 'manifestDigest'>) {}

  where(runtimeId: string): string {
    return `${this.client.registry}/${nuclioRepository(languageOfRuntime(runtimeId))}`;
  }

  async find(runtimeId: string, libraries: readonly string[], signal?: AbortSignal): Promise<FunctionImage | null> {
    const repository = nuclioRepository(languageOfRuntime(runtimeId));
    const version = runtimeId.slice(runtimeId.lastIndexOf('@') + 1);
    const tags = (await this.client.listTags(repository, signal)).filter((tag) => tag.startsWith(`${version}-`));
    const wanted = libraries.join(' ');
    const matching: Candidate[] = [];
    for (const tag of tags) {
      const config = await this.config(repository, tag, signal);
      if (config === null) continue;
      const { labels } = config;
      if (labels[LABELS.runtime] !== runtimeId || labels[LABELS.target] !== 'nuclio') continue;
      if ((labels[LABELS.libraries] ?? '') !== wanted) continue;
      matching.push({ tag, ...config });
    }
    // After a change of the templates the same runtime has a newer tag: the newest build wins.
    matching.sort((a, b) => (b.created ?? '').localeCompare(a.created ?? '') || (a.tag < b.tag ? -1 : 1));
    const chosen = matching[0];
    if (chosen === undefined) return null;
    return {
      repository,
      tag: chosen.tag,
      digest: await this.client.manifestDigest(repository, chosen.tag, signal),
      // with libraries it serves an exercise image, else the runtime image (the factory's names)
      served: servedImageName(runtimeId, libraries, chosen.tag),
    };
  }

  private async config(repository: string, tag: string, signal?: AbortSignal): Promise<Omit<Candidate, 'tag'> | null> {
    const key = `${repository}:${tag}`;
    if (this.configs.has(key)) return this.configs.get(key) ?? null;
    const config = await this.client.imageConfig(repository, tag, signal);
    this.configs.set(key, config);
    return config;
  }
}
