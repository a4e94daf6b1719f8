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
