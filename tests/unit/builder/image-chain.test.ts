/**
 * The one walk of an image chain, without an engine: what each tier is rendered FROM, what it is
 * named by, what happens when a parent is unknown, and that a consumer which stops renders nothing more.
 */
import { imageChain, tierNames, walkChain, type ChainTier, type ImageChain } from '../../../factory/builder';
import { parseLibrarySpecs } from '../../../factory/libraries';
import { resolveRuntime } from '../../../factory/resolve';
import type { RenderedImage } from '../../../factory/templates';
import { PROXY_SOURCES, TEST_CATALOGUE } from '../templates';

const REGISTRY = 'registry.test:5000';

function chainOf(runtime: string, libraries: string[], from: 'debian' | 'upstream' = 'debian', proxySources = () => PROXY_SOURCES) {
  const resolved = resolveRuntime(TEST_CATALOGUE, runtime);
  return imageChain(resolved, parseLibrarySpecs(resolved.definition, libraries), from, { proxySources });
}

/** Walks to the end, answering each tier's id with `idOf` (null: the image does not exist). */
function walkAll(chain: ImageChain, rootId: string | null, idOf: (tier: ChainTier) => string | null): ChainTier[] {
  const tiers: ChainTier[] = [];
  const walk = walkChain<string | null>(chain, REGISTRY, rootId);
  for (let step = walk.next(); !step.done; step = walk.next(idOf(step.value))) tiers.push(step.value);
  return tiers;
}

describe('walkChain', () => {
  test('base → runtime → exercise: each FROM its parent\'s local name, each named by its parent\'s id', () => {
    const tiers = walkAll(chainOf('node', ['lodash@4']), 'sha256:root', (tier) => `sha256:${tier.rendered.tier}`);
    expect(tiers.map((tier) => [tier.rendered.tier, tier.parentId])).toEqual([
      ['base', 'sha256:root'],
      ['runtime', 'sha256:base'],
      ['exercise', 'sha256:runtime'],
    ]);
    expect(tiers[0]?.parentLocal).toBe('codering/debian:bookworm');
    for (const [index, tier] of tiers.entries()) {
      const names = tier.names;
      expect(names).toEqual(tierNames(REGISTRY, tier.rendered, tier.parentId as string));
      expect(names?.reference).toBe(`${REGISTRY}/${names?.local}`);
      const next = tiers[index + 1];
      if (next) {
        expect(next.parentLocal).toBe(names?.local);
        expect(next.rendered.dockerfile).toContain(`FROM ${names?.local}`);
      }
    }
  });

  test('the same tier on another parent id gets another tag, from the same Dockerfile', () => {
    const [onOne] = walkAll(chainOf('python@3.11', []), 'sha256:one', () => null);
    const [onTwo] = walkAll(chainOf('python@3.11', []), 'sha256:two', () => null);
    expect(onOne?.rendered.dockerfile).toBe(onTwo?.rendered.dockerfile);
    expect(onOne?.names?.tag).not.toBe(onTwo?.names?.tag);
    expect(onOne?.names?.tag).toMatch(/^bookworm-[0-9a-f]{12}$/);
  });

  test('below an unknown parent a tier has no names, and the next one starts FROM an unbuilt name', () => {
    const tiers = walkAll(chainOf('node', ['lodash@4']), 'sha256:root', () => null);
    expect(tiers.map((tier) => tier.names === null)).toEqual([false, true, true]);
    expect(tiers[2]?.parentLocal).toBe('codering/node:18.20.4-unbuilt');
    expect(tiers[2]?.rendered.dockerfile).toContain('FROM codering/node:18.20.4-unbuilt');
    // No root id at all: nothing can be named.
    expect(walkAll(chainOf('node', []), null, () => 'sha256:x').map((tier) => tier.names)).toEqual([null, expect.any(Object)]);
  });

  test('from upstream: the runtime starts FROM the upstream image, then the exercise', () => {
    const tiers = walkAll(chainOf('node', ['lodash@4'], 'upstream'), 'node:18-bookworm-slim', () => 'sha256:x');
    expect(tiers.map((tier) => [tier.rendered.tier, tier.parentLocal])).toEqual([
      ['runtime', 'node:18-bookworm-slim'],
      ['exercise', expect.stringMatching(/^codering\/node:18\.20\.4-upstream-[0-9a-f]{12}$/)],
    ]);
  });

  test('lazy: a consumer that stops renders nothing more, and the proxy source is read only when needed', () => {
    const proxySource = jest.fn(() => PROXY_SOURCES);
    const chain = chainOf('python@3.11', [], 'debian', proxySource);
    expect(proxySource).not.toHaveBeenCalled();
    const stub = chain.tiers[0]?.('codering/debian:bookworm') as RenderedImage;
    expect(proxySource).toHaveBeenCalledTimes(1);
    const render = jest.fn((parent: string): RenderedImage => ({ ...stub, parent }));
    const walk = walkChain<string>({ ...chain, tiers: [render, render, render] }, REGISTRY, 'sha256:root');
    walk.next();
    expect(render).toHaveBeenCalledTimes(1);
    walk.next('sha256:first');
    expect(render).toHaveBeenCalledTimes(2);
    expect(render).toHaveBeenLastCalledWith(expect.stringMatching(/^codering\/base:bookworm-[0-9a-f]{12}$/));
    // The consumer stops here (a missing image): the third tier is never rendered.
    expect(walk.return()).toEqual({ done: true, value: undefined });
    expect(render).toHaveBeenCalledTimes(2);
  });
});
