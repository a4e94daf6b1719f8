export { RegistryClient } from './registry-client';
export type { RegistryClientOptions, RepositoryTags } from './registry-client';
