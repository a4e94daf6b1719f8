/**
 * The nuclio platform's read side and image source on the fakes: a fake Nuclio (dashboard + functions)
 * and a fake image registry, with helpers that put there what infra and the factory would (a runtime's
 * function labelled by the factory's spec, a pushed Nuclio image labelled as the factory builds it).
 */

import { createHash } from 'node:crypto';
import { isCoderingError, type CoderingError } from '../../../errors';
import { ImageRegistryClient } from '../../../factory/image-registry';
import { exerciseRepository, LABELS, nuclioRepository, runtimeRepository } from '../../../factory/tags';
import {
  NuclioDashboard,
  NuclioFunctions,
  NuclioImageSource,
  RegistryImageLocator,
  type FunctionDeploySettings,
} from '../../../registry-api/platform/nuclio';
import type { WorkerRequest } from '../../../registry-api/platform';
import { testCatalogue } from '../registry-api/fakes';
import { startFakeImageRegistry, type FakeImageRegistry } from './fake-image-registry';
import { startFakeNuclio, type FakeFunction, type FakeNuclio } from './fake-nuclio-server';

export interface NuclioFixture {
  fake: FakeNuclio;
  registry: FakeImageRegistry;
  dashboard: NuclioDashboard;
  functions: NuclioFunctions;
  source: NuclioImageSource;
  /** A runtime's (or exercise's) function, ready unless said otherwise, running a pushed Nuclio image. */
  addFunction(runtimeId: string, options?: { libraries?: string[]; tag?: string; state?: string; pods?: number }): FakeFunction;
  /** A Nuclio image pushed as the factory builds it; returns its manifest digest. */
  pushImage(runtimeId: string, options?: { libraries?: string[]; tag?: string; created?: string; target?: string }): string;
  close(): Promise<void>;
}

export async function startNuclioFixture(deploy: Partial<FunctionDeploySettings> = {}): Promise<NuclioFixture> {
  const fake = await startFakeNuclio();
  const registry = await startFakeImageRegistry();
  const dashboard = new NuclioDashboard({ url: fake.dashboardUrl, namespace: 'nuclio', project: 'codering', timeoutMs: 2000 });
  const functions = new NuclioFunctions({ dashboard, refreshMs: 60_000 });
  const source = new NuclioImageSource({
    catalogue: testCatalogue(),
    registry: registry.host,
    functions,
    dashboard,
    images: new RegistryImageLocator(new ImageRegistryClient({ registry: registry.host, timeoutMs: 2000 })),
    deploy: {
      namespace: 'nuclio',
      project: 'codering',
      functionPrefix: 'codering-',
      imageRegistry: registry.host,
      pullSecret: 'codering-registry',
      serviceAccount: 'codering-function',
      replicas: 1,
      cpu: '1',
      limits: { wallMs: 5000, compileWallMs: 20_000, memoryBytes: 128 * 1024 * 1024 },
      timeoutMs: 5000,
      pollMs: 80,
      ...deploy,
    },
  });
  const pushImage: NuclioFixture['pushImage'] = (runtimeId, options = {}) => {
    const language = runtimeId.split('@')[0] as string;
    const libraries = options.libraries ?? [];
    const labels: Record<string, string> = {
      [LABELS.managed]: 'true',
      [LABELS.tier]: libraries.length > 0 ? 'exercise' : 'runtime',
      [LABELS.runtime]: runtimeId,
      [LABELS.target]: options.target ?? 'nuclio',
    };
    if (libraries.length > 0) labels[LABELS.libraries] = libraries.join(' ');
    return registry.push(nuclioRepository(language), options.tag ?? tagFor(runtimeId, libraries), {
      labels,
      created: options.created ?? '2026-12-01T10:00:00Z',
    });
  };
  return {
    fake,
    registry,
    dashboard,
    functions,
    source,
    pushImage,
    addFunction(runtimeId, options = {}) {
      const libraries = options.libraries ?? [];
      const language = runtimeId.split('@')[0] as string;
      const tag = options.tag ?? tagFor(runtimeId, libraries);
      const digest = pushImage(runtimeId, { libraries, tag });
      const served = libraries.length > 0 ? exerciseRepository(language) : runtimeRepository(language);
      return fake.addFunction({
        servedImage: `${registry.host}/${served}:${tag}`,
        runtimeId,
        libraries,
        image: `${registry.host}/${nuclioRepository(language)}@${digest}`,
        state: options.state ?? 'ready',
        pods: options.pods,
        replicas: { min: options.pods ?? 1, max: options.pods ?? 1 },
      });
    },
    async close() {
      functions.close();
      await fake.close();
      await registry.close();
    },
  };
}

/** A content tag of the factory's shape: the version, a dash, 12 hex digits (made up here). */
export function tagFor(runtimeId: string, libraries: readonly string[] = []): string {
  const version = runtimeId.split('@')[1] as string;
  const hash = createHash('sha256').update([runtimeId, ...libraries].join('+')).digest('hex').slice(0, 12);
  return `${version}-${hash}`;
}

/** One small run, as the executor sends it: stdin is what the fake's functions echo. */
export const workerRequest: WorkerRequest = {
  requestId: 'r1',
  files: [{ name: 'main.py', content: 'print(input())' }],
  main: 'main.py',
  stdin: 'hello nuclio',
  args: [],
  limits: { wallMs: 1000, cpuMs: 1000, compileWallMs: 1000, memoryBytes: 64 << 20, outputBytes: 65536, processes: 16, fileBytes: 1 << 20 },
};

/** The catalogue error `promise` rejects with (anything else fails the test). */
export async function codingError(promise: Promise<unknown>): Promise<CoderingError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!isCoderingError(error)) throw new Error(`expected a CoderingError, got ${String(error)}`);
  return error;
}
