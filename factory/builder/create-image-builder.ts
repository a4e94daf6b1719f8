/**
 * The factory wired from its configuration: the Docker engine, the registry client, the catalogue.
 * What the API's server, the CLI, the integration tests and the benchmark all start from.
 */
import { loadCatalogue, type Catalogue } from '../catalogue';
import { createDockerClient, type ImageClient, type ImageEngine, type RegistryAuth } from '../engine';
import { factoryConfig, readBuildCertificates, type FactoryConfig } from '../config';
import { ImageRegistryClient } from '../image-registry';
import { FactoryImageBuilder } from './factory-image-builder';

/** The image part of a Docker client with the configuration's deadlines (the CLI, the bench). */
export function createImageEngine(config: Readonly<FactoryConfig> = factoryConfig()): ImageClient {
  return createDockerClient(config).images;
}

export function createImageRegistryClient(config: Readonly<FactoryConfig> = factoryConfig()): ImageRegistryClient {
  return new ImageRegistryClient({
    registry: config.registry,
    scheme: config.registryScheme,
    username: config.registryUsername,
    password: config.registryPassword,
    timeoutMs: config.registryTimeoutMs,
  });
}

/** What the engine sends to the registry as X-Registry-Auth; null without a password. */
export function registryAuth(config: Readonly<FactoryConfig> = factoryConfig()): RegistryAuth | null {
  if (config.registryPassword === null) return null;
  return { username: config.registryUsername, password: config.registryPassword, serveraddress: config.registry };
}

export interface CreateImageBuilderOptions {
  config?: Readonly<FactoryConfig>;
  engine?: ImageEngine;
  catalogue?: Catalogue;
  imageRegistryClient?: ImageRegistryClient | null;
  push?: boolean;
}

export function createImageBuilder(options: CreateImageBuilderOptions = {}): FactoryImageBuilder {
  const config = options.config ?? factoryConfig();
  return new FactoryImageBuilder({
    engine: options.engine ?? createImageEngine(config),
    catalogue: options.catalogue ?? loadCatalogue(),
    registry: config.registry,
    imageRegistryClient: options.imageRegistryClient === undefined ? createImageRegistryClient(config) : options.imageRegistryClient,
    auth: registryAuth(config),
    buildConcurrency: config.buildConcurrency,
    buildTimeoutMs: config.buildTimeoutMs,
    push: options.push,
    buildCertificates: readBuildCertificates(config.buildCa),
    nuclioProcessorVersion: config.nuclioProcessorVersion,
  });
}
