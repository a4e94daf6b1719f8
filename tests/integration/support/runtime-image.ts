import { createImageBuilder, type ApiImage, type FactoryImageBuilder } from '../../../factory';

let builder: FactoryImageBuilder | undefined;

/**
 * The real image of a runtime, built by the factory on first use and cached by content after that
 * (the engine keeps it between runs, so the integration tier pays the build once per machine).
 */
export async function runtimeImage(spec: string, libraries: string[] = []): Promise<string> {
  builder ??= createImageBuilder();
  const built = await builder.ensureImage({ runtime: spec, libraries });
  return built.reference;
}

/**
 * The registry API's own image (codering/api), built from the sources as they are now and cached
 * by content like the runtimes. Not pushed: the tests run it from the engine that built it.
 */
export async function apiImage(): Promise<ApiImage> {
  builder ??= createImageBuilder();
  return builder.ensureApiImage(undefined, { push: false });
}

/** A runtime's image and what its Nuclio function runs of it. */
export interface NuclioShellImage {
  /** The runtime's image, as the API names it (the function serving it is derived from this). */
  image: string;
  /** Its nuclio target's `shell-runtime` stage: the function's image minus Nuclio's processor. */
  shell: string;
}

/**
 * The image a runtime's Nuclio function runs, without the processor these machines cannot pull,
 * built by the factory like the runtime itself (a small stage on top of it: the handler).
 */
export async function nuclioShellImage(spec: string, libraries: string[] = []): Promise<NuclioShellImage> {
  builder ??= createImageBuilder();
  const image = await runtimeImage(spec, libraries);
  const shell = await builder.ensureNuclioShellImage({ runtime: spec, libraries }, undefined, { push: false });
  return { image, shell: shell.reference };
}
