/**
 * What runs the users' code, and where its images come from, as the configured platform has them:
 * - `local`: one Docker client for the process; the builder uses its image part, the platform its
 *   containers (after removing the workers a previous process left behind);
 * - `nuclio`: no Docker at all. The Nuclio dashboard says which function serves which runtime and how
 *   many replicas it has, the image registry's HTTP API which images were pushed; the API deploys a
 *   missing function through the dashboard. The Docker client factory is never called.
 * `server.ts` calls this; tests call it to see which dependencies each platform really takes.
 */

import type pino from 'pino';
import type { Catalogue } from '../factory/catalogue';
import { createImageBuilder, createImageRegistryClient } from '../factory/builder';
import { factoryConfigOf, type FactoryConfig } from '../factory/config';
import { createDockerClient, type DockerClient } from '../factory/engine';
import type { CoderingConfig } from './config';
import type { ImageSource } from './images';
import type { Platform } from './platform';
import { createLocalPlatform, localPlatformSettings } from './platform/local';
import {
  NuclioDashboard,
  NuclioFunctions,
  NuclioImageSource,
  NuclioPlatform,
  nuclioPlatformOptionsFromConfig,
  RegistryImageLocator,
} from './platform/nuclio';

export interface RuntimeServices {
  platform: Platform;
  images: ImageSource;
}

export interface RuntimeServiceDeps {
  catalogue: Catalogue;
  logger: pino.Logger;
  /** Makes the local platform's Docker client (default: dockerode on the configured engine). */
  dockerClient?: (factory: Readonly<FactoryConfig>) => DockerClient;
}

/** Deadline of one call to the Nuclio dashboard. */
const DASHBOARD_TIMEOUT_MS = 10_000;

export async function createRuntimeServices(config: Readonly<CoderingConfig>, deps: RuntimeServiceDeps): Promise<RuntimeServices> {
  const factory = factoryConfigOf(config);
  return config.platform === 'nuclio' ? nuclioServices(config, factory, deps) : localServices(config, factory, deps);
}

async function localServices(config: Readonly<CoderingConfig>, factory: Readonly<FactoryConfig>, deps: RuntimeServiceDeps): Promise<RuntimeServices> {
  const docker = (deps.dockerClient ?? createDockerClient)(factory);
  const images = createImageBuilder({ catalogue: deps.catalogue, config: factory, engine: docker.images });
  const platform = createLocalPlatform({
    ...localPlatformSettings(config),
    engine: docker.containers,
    logger: deps.logger.child({ component: 'platform' }),
  });
  // Removes the workers a previous process of ours left behind, and fails fast when the engine is down.
  await platform.start();
  return { platform, images };
}

function nuclioServices(config: Readonly<CoderingConfig>, factory: Readonly<FactoryConfig>, deps: RuntimeServiceDeps): RuntimeServices {
  const { nuclio } = config;
  const dashboard = new NuclioDashboard({
    url: nuclio.dashboardUrl,
    namespace: nuclio.namespace,
    project: nuclio.project,
    token: nuclio.dashboardToken,
    timeoutMs: DASHBOARD_TIMEOUT_MS,
  });
  const log = deps.logger.child({ component: 'nuclio' });
  const functions = new NuclioFunctions({ dashboard, refreshMs: nuclio.refreshMs, log });
  functions.start();
  const platform = new NuclioPlatform(nuclioPlatformOptionsFromConfig(config, functions));
  const images = new NuclioImageSource({
    catalogue: deps.catalogue,
    registry: factory.registry,
    functions,
    dashboard,
    images: new RegistryImageLocator(createImageRegistryClient(factory)),
    deploy: {
      namespace: nuclio.namespace,
      project: nuclio.project,
      functionPrefix: nuclio.functionPrefix,
      imageRegistry: nuclio.imageRegistry ?? factory.registry,
      pullSecret: nuclio.pullSecret === 'none' ? null : nuclio.pullSecret,
      serviceAccount: nuclio.serviceAccount === 'none' ? null : nuclio.serviceAccount,
      replicas: nuclio.deployReplicas,
      cpu: nuclio.deployCpu,
      limits: config.maxLimits,
      timeoutMs: nuclio.deployTimeoutMs,
    },
    log,
  });
  return { platform, images };
}
