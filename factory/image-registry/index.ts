export { ImageRegistryClient } from './image-registry-client';
export type { ImageConfig, ImageRegistryClientOptions, RepositoryTags } from './image-registry-client';
