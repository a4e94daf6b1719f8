export type {
  BuildProgress,
  BuiltImage,
  EnsureImageOptions,
  ImageBuilder,
  ImageLookup,
  ImageRequest,
} from './image-builder';
export { FactoryImageBuilder } from './factory-image-builder';
export { readApiImageFiles } from './api-image';
export type { ApiImage } from './api-image';
export type { FactoryImageBuilderOptions, TierImage, PlanFrom, PlannedImage, PlanTarget } from './factory-image-builder';
export { imageChain, tierNames, unbuiltName, UNBUILT, walkChain } from './image-chain';
export type { ChainInputs, ChainTier, ImageChain, TierNames, NamedTier } from './image-chain';
export { createImageBuilder, createImageEngine, createImageRegistryClient, registryAuth } from './create-image-builder';
export type { CreateImageBuilderOptions } from './create-image-builder';
export { BuildLog, removeBuildLeftovers } from './build-log';
export { Semaphore, SingleFlight } from './single-flight';
export { pruneStaleImages } from './stale-image-pruner';
export type { PruneReport } from './stale-image-pruner';
