/**
 * A FactoryImageBuilder on a fake engine and a fake registry (pushes land in it, labels and all), with
 * the test catalogue's Debian roots present: what the builder's and the CLI's tests start from.
 */
import { FactoryImageBuilder } from '../../../factory/builder';
import { PROXY_SOURCES, TEST_CATALOGUE } from '../templates';
import { FakeImageEngine, FakeImageRegistry } from './fake-image-engine';

export const REGISTRY = 'registry.test:5000';

export interface SetUpOptions {
  push?: boolean;
  buildConcurrency?: number;
  nuclioProcessorVersion?: string;
  /** Another builder on the same engine and registry (another process, another configuration). */
  sharing?: { engine: FakeImageEngine; imageRegistry: FakeImageRegistry };
}

export function setUp(options: SetUpOptions = {}) {
  const engine = options.sharing?.engine ?? new FakeImageEngine();
  const imageRegistry = options.sharing?.imageRegistry ?? new FakeImageRegistry(REGISTRY);
  if (!options.sharing) {
    engine.onPush = (reference, image) => imageRegistry.record(reference, image);
    for (const suite of ['bullseye', 'bookworm', 'trixie']) engine.addImage(`codering/debian:${suite}`);
  }
  const builder = new FactoryImageBuilder({
    engine,
    catalogue: TEST_CATALOGUE,
    registry: REGISTRY,
    imageRegistryClient: imageRegistry,
    auth: { username: 'codering', password: 'secret', serveraddress: REGISTRY },
    proxySources: PROXY_SOURCES,
    buildConcurrency: options.buildConcurrency,
    push: options.push,
    nuclioProcessorVersion: options.nuclioProcessorVersion,
  });
  return { engine, imageRegistry, builder };
}
