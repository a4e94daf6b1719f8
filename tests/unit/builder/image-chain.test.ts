/**
 * The one walk of an image chain, without an engine: what each layer is rendered FROM, what it is
 * named by, what happens when a parent is unknown, and that a consumer which stops renders nothing more.
 */
import { imageChain, layerNames, walkChain, type ChainLayer, type ImageChain } from '../../../factory/builder';
import { parseLibrarySpecs } from '../../../factory/libraries';
import { resolveRuntime } from '../../../factory/resolve';
import type { RenderedImage } from '../../../factory/templates';
import { PROXY_SOURCE, TEST_CATALOGUE } from '../templates';

const REGISTRY = 'registry.test:5000';

function chainOf(runtime: string, libraries: string[], from: 'debian' | 'upstream' = 'debian', proxySource = () => PROXY_SOURCE) {
  const resolved = resolveRuntime(TEST_CATALOGUE, runtime);
  return imageChain(resolved, parseLibrarySpecs(resolved.definition, libraries), from, { proxySource });
}

/** Walks to the end, answering each layer's id with `idOf` (null: the image does not exist). */
function walkAll(chain: ImageChain, rootId: string | null, idOf: (layer: ChainLayer) => string | null): ChainLayer[] {
  const layers: ChainLayer[] = [];
  const walk = walkChain<string | null>(chain, REGISTRY, rootId);
  for (let step = walk.next(); !step.done; step = walk.next(idOf(step.value))) layers.push(step.value);
  return layers;
}

describe('walkChain', () => {
  test('base → runtime → exercise: each FROM its parent\'s local name, each named by its parent\'s id', () => {
    const layers = walkAll(chainOf('node', ['lodash@4']), 'sha256:root', (layer) => `sha256:${layer.rendered.layer}`);
    expect(layers.map((layer) => [layer.rendered.layer, layer.parentId])).toEqual([
      ['base', 'sha256:root'],
      ['runtime', 'sha256:base'],
      ['exercise', 'sha256:runtime'],
    ]);
    expect(layers[0]?.parentLocal).toBe('codering/debian:bookworm');
    for (const [index, layer] of layers.entries()) {
      const names = layer.names;
      expect(names).toEqual(layerNames(REGISTRY, layer.rendered, layer.parentId as string));
      expect(names?.reference).toBe(`${REGISTRY}/${names?.local}`);
      const next = layers[index + 1];
      if (next) {
        expect(next.parentLocal).toBe(names?.local);
        expect(next.rendered.dockerfile).toContain(`FROM ${names?.local}`);
      }
    }
  });

  test('the same layer on another parent id gets another tag, from the same Dockerfile', () => {
    const [onOne] = walkAll(chainOf('python@3.11', []), 'sha256:one', () => null);
    const [onTwo] = walkAll(chainOf('python@3.11', []), 'sha256:two', () => null);
    expect(onOne?.rendered.dockerfile).toBe(onTwo?.rendered.dockerfile);
    expect(onOne?.names?.tag).not.toBe(onTwo?.names?.tag);
    expect(onOne?.names?.tag).toMatch(/^bookworm-[0-9a-f]{12}$/);
  });

  test('below an unknown parent a layer has no names, and the next one starts FROM an unbuilt name', () => {
    const layers = walkAll(chainOf('node', ['lodash@4']), 'sha256:root', () => null);
    expect(layers.map((layer) => layer.names === null)).toEqual([false, true, true]);
    expect(layers[2]?.parentLocal).toBe('codering/node:18.20.4-unbuilt');
    expect(layers[2]?.rendered.dockerfile).toContain('FROM codering/node:18.20.4-unbuilt');
    // No root id at all: nothing can be named.
    expect(walkAll(chainOf('node', []), null, () => 'sha256:x').map((layer) => layer.names)).toEqual([null, expect.any(Object)]);
  });

  test('from upstream: the runtime starts FROM the upstream image, then the exercise', () => {
    const layers = walkAll(chainOf('node', ['lodash@4'], 'upstream'), 'node:18-bookworm-slim', () => 'sha256:x');
    expect(layers.map((layer) => [layer.rendered.layer, layer.parentLocal])).toEqual([
      ['runtime', 'node:18-bookworm-slim'],
      ['exercise', expect.stringMatching(/^codering\/node:18\.20\.4-upstream-[0-9a-f]{12}$/)],
    ]);
  });

  test('lazy: a consumer that stops renders nothing more, and the proxy source is read only when needed', () => {
    const proxySource = jest.fn(() => PROXY_SOURCE);
    const chain = chainOf('python@3.11', [], 'debian', proxySource);
    expect(proxySource).not.toHaveBeenCalled();
    const stub = chain.layers[0]?.('codering/debian:bookworm') as RenderedImage;
    expect(proxySource).toHaveBeenCalledTimes(1);
    const render = jest.fn((parent: string): RenderedImage => ({ ...stub, parent }));
    const walk = walkChain<string>({ ...chain, layers: [render, render, render] }, REGISTRY, 'sha256:root');
    walk.next();
    expect(render).toHaveBeenCalledTimes(1);
    walk.next('sha256:first');
    expect(render).toHaveBeenCalledTimes(2);
    expect(render).toHaveBeenLastCalledWith(expect.stringMatching(/^codering\/base:bookworm-[0-9a-f]{12}$/));
    // The consumer stops here (a missing image): the third layer is never rendered.
    expect(walk.return()).toEqual({ done: true, value: undefined });
    expect(render).toHaveBeenCalledTimes(2);
  });
});
