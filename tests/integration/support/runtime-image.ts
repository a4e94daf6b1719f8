import { createImageBuilder, type FactoryImageBuilder } from '../../../factory';

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
