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
  type NuclioFunctionOptions,
  type NuclioFunctionResource,
} from '../../../factory/nuclio';
import { NuclioPlatform } from '../../../registry-api/platform/nuclio';
import type { ProxyResult, RunLimits, SourceFile } from '../../../registry-api/platform';
import { nuclioShellImage, runLeased, type NuclioShellImage } from '../support';
import { NuclioShellHarness, type DeployedFunction } from './shell-runtime-harness';

export const NAMESPACE = 'codering';
const PROJECT = 'codering';
/** The most a run may ask for (the API's maxima, what infra gives the functions). */
export const MAX_LIMITS = DEFAULT_CONFIG.maxLimits;
/** What a run gets when it asks for nothing. */
export const DEFAULT_LIMITS: RunLimits = DEFAULT_CONFIG.defaultLimits;
const catalogue = loadCatalogue();

export interface RuntimeFunction extends NuclioShellImage {
  runtimeId: string;
  function: NuclioFunctionResource;
  deployed: DeployedFunction;
}

/** A harness and the platform the API would use in the cluster, pointed at it. */
export class NuclioCluster {
  private constructor(
    readonly harness: NuclioShellHarness,
    readonly platform: NuclioPlatform,
  ) {}

  static async start(): Promise<NuclioCluster> {
    const harness = await NuclioShellHarness.start();
    const platform = new NuclioPlatform({
      namespace: NAMESPACE,
      invokeVia: 'service',
      functionUrlTemplate: harness.urlTemplate,
      // one replica with one worker per function: one run at a time, as Nuclio serves it
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
  async deploy(spec: string, options: Partial<Omit<NuclioFunctionOptions, 'servedImage' | 'image'>> = {}): Promise<RuntimeFunction> {
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
    const deployed = await this.harness.deploy({ function: fn, image: images.shell });
    await this.platform.warm(images.image, 1);
    return { ...images, runtimeId, function: fn, deployed };
  }

  /** Deletes the function (its replicas). */
  remove(fn: RuntimeFunction): Promise<void> {
    return this.harness.remove(fn.function.metadata.name, fn.function.metadata.namespace);
  }

  /** One run through the platform, as the executor makes it. */
  run(
    fn: Pick<RuntimeFunction, 'image'>,
    request: { files: SourceFile[]; main: string; stdin?: string; args?: string[]; limits?: Partial<RunLimits> },
  ): Promise<ProxyResult & { workerId: string }> {
    return runLeased(this.platform, fn.image, {
      requestId: 'nuclio-harness',
      files: request.files,
      main: request.main,
      stdin: request.stdin ?? '',
      args: request.args ?? [],
      limits: { ...DEFAULT_LIMITS, ...request.limits },
    });
  }

  async close(): Promise<void> {
    await this.platform.close();
    await this.harness.close();
  }
}
