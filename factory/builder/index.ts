export type {
  BuildProgress,
  BuiltImage,
  EnsureImageOptions,
  ImageBuilder,
  ImageLookup,
  ImageRequest,
} from './image-builder';
export { FactoryImageBuilder } from './factory-image-builder';
export type { FactoryImageBuilderOptions, LayerImage, PlanFrom, PlannedImage, PlanTarget } from './factory-image-builder';
export { imageChain, layerNames, unbuiltName, UNBUILT, walkChain } from './image-chain';
export type { ChainInputs, ChainLayer, ImageChain, LayerNames, NamedLayer } from './image-chain';
export { createImageBuilder, createImageEngine, createImageRegistryClient, registryAuth } from './create-image-builder';
export type { CreateImageBuilderOptions } from './create-image-builder';
export { BuildLog, removeBuildLeftovers } from './build-log';
export { Semaphore, SingleFlight } from './single-flight';
export { pruneStaleImages } from './stale-image-pruner';
export type { PruneReport } from './stale-image-pruner';
