export { compareLibrarySpecs, formatLibrarySpec, sortLibrarySpecs } from './canonical-library-spec';
export type { EcosystemGrammar } from './ecosystem-grammar';
export { GRAMMARS } from './grammars';
export { normalizePipName } from './pip-grammar';
export {
  canonicalLibrarySpecs,
  MAX_LIBRARIES,
  MAX_SPEC_LENGTH,
  parseLibrarySpec,
  parseLibrarySpecs,
} from './parse-library-specs';
