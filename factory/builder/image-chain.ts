/**
 * The chain of images a request needs: base → runtime → (exercise), or the upstream runtime →
 * (exercise), and the one walk along it. Each image is rendered FROM its parent's local name and
 * named by its content and its parent's id, so a tier's tag is only known once its parent's image
 * is: the walk yields a tier, the consumer answers the image id it found or made, and the walk goes
 * on from there. Building, finding and planning are consumers of this walk (factory-image-builder.ts);
 * the walk itself touches no engine.
 */
import type { ProxySourceFile } from '../../proxy';
import type { LibrarySpec, ResolvedRuntime } from '../catalogue';
import type { ContextFile } from '../engine';
import { contentHash, contentTagOf, rootImage } from '../tags';
import { renderBase, renderExercise, renderRuntime, renderUpstreamRuntime, type RenderedImage } from '../templates';

export type PlanFrom = 'debian' | 'upstream';

export interface ImageChain {
  resolved: ResolvedRuntime;
  libraries: LibrarySpec[];
  /** The image the first tier starts FROM. */
  root: string;
  /** Each tier rendered from its parent's local reference. */
  tiers: Array<(parent: string) => RenderedImage>;
}

export interface ChainInputs {
  /** The proxy's C source, asked for only when a chain renders the base or upstream runtime. */
  proxySources: () => readonly ProxySourceFile[];
  buildCertificates?: readonly ContextFile[];
}

/** What one image of the chain is called: by content, and so by registry. */
export interface TierNames {
  tag: string;
  /** `codering/base:bookworm-…`: the name FROM lines use, independent of the registry. */
  local: string;
  /** `<registry>/codering/base:bookworm-…`: the name that is pushed and run. */
  reference: string;
}

/** A tier with its names: what is found, built and pushed. */
export type NamedTier = TierNames & { rendered: RenderedImage };

/**
 * One step of the walk. `Id` is `string` for a consumer that always answers an id (building: every
 * parent exists), `string | null` for one that may not (finding, planning): then a tier whose parent
 * is unknown has no names, and the next tier's FROM says `unbuilt`.
 */
export interface ChainTier<Id extends string | null = string | null> {
  /** The Dockerfile and the context files. */
  rendered: RenderedImage;
  parentId: Id;
  /** The parent's local name, as the Dockerfile's FROM has it. */
  parentLocal: string;
  names: Id extends string ? TierNames : TierNames | null;
}

/** Until the parent exists its id is unknown; the FROM line of a plan then shows this tag. */
export const UNBUILT = 'unbuilt';

export function imageChain(resolved: ResolvedRuntime, libraries: LibrarySpec[], from: PlanFrom, inputs: ChainInputs): ImageChain {
  const exercise = (parent: string) =>
    renderExercise({ runtime: resolved, runtimeImage: parent, libraries, buildCertificates: inputs.buildCertificates });
  if (from === 'upstream') {
    const tiers: ImageChain['tiers'] = [() => renderUpstreamRuntime({ runtime: resolved, proxySources: inputs.proxySources() })];
    if (libraries.length > 0) tiers.push(exercise);
    return { resolved, libraries, root: resolved.entry.upstreamImage, tiers };
  }
  const tiers: ImageChain['tiers'] = [
    () => renderBase({ suite: resolved.entry.suite, proxySources: inputs.proxySources() }),
    (parent: string) => renderRuntime({ runtime: resolved, baseImage: parent }),
  ];
  if (libraries.length > 0) tiers.push(exercise);
  return { resolved, libraries, root: rootImage(resolved.entry.suite), tiers };
}

export function tierNames(registry: string, rendered: RenderedImage, parentId: string): TierNames {
  const hash = contentHash({ dockerfile: rendered.dockerfile, files: rendered.files, parentId });
  const tag = contentTagOf(rendered.tagPrefix, hash);
  const local = `${rendered.repository}:${tag}`;
  return { tag, local, reference: `${registry}/${local}` };
}

/** The name a tier is known by before its parent exists. */
export function unbuiltName(rendered: RenderedImage): string {
  return `${rendered.repository}:${rendered.tagPrefix}-${UNBUILT}`;
}

/**
 * Walks the chain from `rootId` (the root's image id, or what stands for it): yields each tier, and
 * is resumed with that tier's image id (`walk.next(id)`), the parent of the next. Lazy: a consumer
 * that stops pulling renders nothing more.
 */
export function* walkChain<Id extends string | null>(
  chain: ImageChain,
  registry: string,
  rootId: Id,
): Generator<ChainTier<Id>, void, Id> {
  let parentId = rootId;
  let parentLocal = chain.root;
  for (const render of chain.tiers) {
    const rendered = render(parentLocal);
    const names = parentId === null ? null : tierNames(registry, rendered, parentId);
    // `names` is null exactly when `Id` admits null and the parent is unknown: what ChainTier<Id> says.
    parentId = yield { rendered, parentId, parentLocal, names } as ChainTier<Id>;
    parentLocal = names?.local ?? unbuiltName(rendered);
  }
}
