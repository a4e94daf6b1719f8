/**
 * Runtime functions in the shell-runtime harness, as the Pulumi program deploys them
 * (infra/runtime-functions.ts: `nuclioFunctionSpec` with the API's maximum limits, the container
 * hardening patched on), and the API's NuclioPlatform calling them through their Service URL.
 */

import { DEFAULT_CONFIG } from '../../../config';
import { loadCatalogue, resolveRuntime } from '../../../factory';
import {
  eventTimeoutMs,
  FUNCTION_SERVICE_ACCOUNT,
  nuclioFunctionSpec,
  RUNTIME_ID_ANNOTATION,
  SERVED_IMAGE_ANNOTATION,
  type NuclioFunctionOptions,
  type NuclioFunctionResource,
} from '../../../factory/nuclio';
import { NuclioDashboard, NuclioFunctions, NuclioPlatform } from '../../../registry-api/platform/nuclio';
import type { ProxyResult, RunLimits, SourceFile } from '../../../registry-api/platform';
import { nuclioShellImage, runLeased, type NuclioShellImage } from '../support';
import { NuclioShellHarness, type ContainerHardening, type DeployedFunction } from './shell-runtime-harness';

export const NAMESPACE = 'codering';
const PROJECT = 'codering';
/** The most a run may ask for (the API's maxima, what infra gives the functions). */
export const MAX_LIMITS = DEFAULT_CONFIG.maxLimits;
/** What a run gets when it asks for nothing. */
export const DEFAULT_LIMITS: RunLimits = DEFAULT_CONFIG.defaultLimits;
const catalogue = loadCatalogue();

/** One test case of a judged run: its stdin, args and limits. */
export interface TestCase {
  stdin?: string;
  args?: string[];
  limits?: Partial<RunLimits>;
}

export interface RuntimeFunction extends NuclioShellImage {
  runtimeId: string;
  function: NuclioFunctionResource;
  deployed: DeployedFunction;
}

/**
 * Another function on a runtime function's image that serves no runtime for the API (no runtime-id or
 * served-image annotation): the dashboard lists it, and the platform never routes a run to it.
 */
export function unservedCopy(fn: NuclioFunctionResource, name: string): NuclioFunctionResource {
  const copy = structuredClone(fn);
  copy.metadata.name = name;
  delete copy.metadata.annotations[RUNTIME_ID_ANNOTATION];
  delete copy.metadata.annotations[SERVED_IMAGE_ANNOTATION];
  return copy;
}

/** A harness and the platform the API would use in the cluster, pointed at it. */
export class NuclioCluster {
  private constructor(
    readonly harness: NuclioShellHarness,
    readonly platform: NuclioPlatform,
  ) {}

  static async start(): Promise<NuclioCluster> {
    const harness = await NuclioShellHarness.start();
    // as the API on the cluster has it (registry-api/runtime-services.ts): which function serves an
    // image, and how many events it takes at once (its pods × workers), come from the dashboard
    const dashboard = new NuclioDashboard({ url: harness.dashboardUrl, namespace: NAMESPACE, project: PROJECT, timeoutMs: 5000 });
    const functions = new NuclioFunctions({ dashboard, refreshMs: 1000 });
    const platform = new NuclioPlatform({
      namespace: NAMESPACE,
      invokeVia: 'service',
      functionUrlTemplate: harness.urlTemplate,
      functions,
      defaultSlots: 1,
      queueMax: 16,
      acquireTimeoutMs: 10 * 60_000,
      runMarginMs: 10_000,
      invokeTimeoutMs: eventTimeoutMs(MAX_LIMITS, 5000) + 10_000,
    });
    return new NuclioCluster(harness, platform);
  }

  /**
   * Builds (or finds) the runtime's image and its shell-runtime stage, and deploys its function with
   * one replica; `options` change the function as an operator could (its limits, its event timeout).
   */
  async deploy(
    spec: string,
    options: Partial<Omit<NuclioFunctionOptions, 'servedImage' | 'image'>> = {},
    containerSecurity?: ContainerHardening,
  ): Promise<RuntimeFunction> {
    const images = await nuclioShellImage(spec);
    const runtimeId = resolveRuntime(catalogue, spec).id;
    const fn = nuclioFunctionSpec({
      servedImage: images.image,
      namespace: NAMESPACE,
      projectName: PROJECT,
      image: images.shell,
      runtimeId,
      limits: MAX_LIMITS,
      replicas: { min: 1, max: 1 },
      serviceAccount: FUNCTION_SERVICE_ACCOUNT,
      ...options,
    });
    // the name both sides derive from the served image (factory/nuclio's functionNameForImage)
    expect(fn.metadata.name).toBe(this.platform.functionFor(images.image).name);
    const deployed = await this.harness.deploy({ function: fn, image: images.shell, containerSecurity });
    await this.platform.warm(images.image, 1);
    return { ...images, runtimeId, function: fn, deployed };
  }

  /** Deletes the function (its replicas). */
  remove(fn: RuntimeFunction): Promise<void> {
    return this.harness.remove(fn.function.metadata.name, fn.function.metadata.namespace);
  }

  /** One run through the platform, as the executor makes it; with `cases`, a judged run (each case's limits over the run's). */
  run(
    fn: Pick<RuntimeFunction, 'image'>,
    request: { files: SourceFile[]; main: string; stdin?: string; args?: string[]; limits?: Partial<RunLimits>; cases?: TestCase[] },
  ): Promise<ProxyResult & { workerId: string }> {
    const limits = { ...DEFAULT_LIMITS, ...request.limits };
    return runLeased(this.platform, fn.image, {
      requestId: 'nuclio-harness',
      files: request.files,
      main: request.main,
      stdin: request.stdin ?? '',
      args: request.args ?? [],
      limits,
      ...(request.cases === undefined
        ? {}
        : { cases: request.cases.map((testCase) => ({ stdin: testCase.stdin ?? '', args: testCase.args ?? [], limits: { ...limits, ...testCase.limits } })) }),
    });
  }

  async close(): Promise<void> {
    await this.platform.close();
    await this.harness.close();
  }
}
