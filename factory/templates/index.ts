export {
  BUILD_CA_DIRECTORY,
  DEFAULT_COMMAND,
  ENTRYPOINT,
  IMAGE_PATH,
  NUCLIO_PROCESSOR_VERSION,
  NUCLIO_SHELL_STAGE,
  NUCLIO_UHTTPC_VERSION,
  nuclioProcessorImage,
  PROXY_CONTEXT_DIRECTORY,
  renderBase,
  renderExercise,
  renderNuclio,
  renderNuclioShell,
  renderRuntime,
  renderUpstreamRuntime,
} from './render-image';
export type {
  BaseInput,
  EnvVar,
  ExerciseInput,
  NuclioInput,
  RenderedImage,
  RuntimeInput,
  UpstreamRuntimeInput,
} from './render-image';
export {
  API_CONTEXT_DIRECTORY,
  API_CONTEXT_ENTRIES,
  API_CONTEXT_IGNORE,
  API_DATA_DIR,
  API_ENTRY,
  API_ENTRYPOINT,
  API_HOME,
  API_PORT,
  API_SUITE,
  API_UID,
  isDeployOnlyDependency,
  renderApiImage,
} from './render-api-image';
export type { ApiImageInput } from './render-api-image';
export { dockerfileString, shellQuote } from './shell-quote';
export { renderTemplate, TEMPLATE_DIRECTORY } from './template-engine';
export type { TemplateName } from './template-engine';
