export { ImageRegistryClient } from './image-registry-client';
export type { ImageRegistryClientOptions, RepositoryTags } from './image-registry-client';
