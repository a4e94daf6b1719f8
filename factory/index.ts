/**
 * The image factory: catalogue → resolve → render → content tag → build → push.
 * Each folder has its own index; this one gathers what the API, the CLI and the tests use.
 */
export * from './builder';
export * from './engine';
export * from './image-registry';
export * from './tags';
export * from './templates';
export { factoryConfig, factoryConfigOf, loadFactoryConfig, readBuildCertificates, REPOSITORY_ROOT } from './config';
export type { FactoryConfig } from './config';
export { loadCatalogue } from './catalogue';
export type { Catalogue, ResolvedRuntime, RuntimeDefinition, LibrarySpec } from './catalogue';
export { resolveRuntime } from './resolve';
export { formatLibrarySpec, parseLibrarySpecs } from './libraries';
