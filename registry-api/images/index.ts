export { CataloguePrebuild, type CataloguePrebuildOptions, type PrebuildSummary } from './catalogue-prebuild';
export type { ImageSource } from './image-source';
export { RunImages, type ImageRef, type LocatedImage, type RunImagesOptions } from './run-images';
export { resolveTarget, type RuntimeTarget } from './runtime-target';
export { RuntimeWarmup, type RuntimeWarmupOptions, type WarmState } from './runtime-warmup';
