export type {
  DebianSuite,
  LibraryInstaller,
  LibrarySpec,
  ResolvedRuntime,
  RuntimeDefinition,
  RuntimeVersion,
  SmokeFile,
  SmokeTest,
} from './runtime-definition';
export { createCatalogue, definitionFile, everyVersion, type Catalogue, type CatalogueVersion } from './catalogue';
export { defaultCatalogueDirectory, loadCatalogue, loadDefinition } from './load-catalogue';
export { DEBIAN_SUITES, LIBRARY_INSTALLERS, runtimeYamlSchema, type RuntimeYaml } from './runtime-yaml-schema';
