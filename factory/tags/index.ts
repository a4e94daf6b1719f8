export { CONTENT_HASH_LENGTH, contentDigest, contentHash } from './content-tag';
export type { TagInput } from './content-tag';
export {
  API_REPOSITORY,
  BASE_REPOSITORY,
  contentTagOf,
  exerciseRepository,
  LABELS,
  languageOfRuntime,
  nuclioImageName,
  nuclioRepository,
  nuclioShellRepository,
  ROOT_REPOSITORY,
  rootImage,
  runtimeRepository,
  servedImageName,
} from './image-names';
export type { Tier } from './image-names';
