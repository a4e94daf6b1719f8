/**
 * The image source of the nuclio platform: which image (and so which function) serves a runtime, or
 * an exercise's runtime + libraries, learnt from Nuclio — never from a Docker engine, which the API's
 * pod does not have.
 *
 * - `findImage`: the function that carries the request's image key (function-identity.ts) and takes
 *   events (`ready`, or `unhealthy`: deployed, and Kubernetes' to mend), from the dashboard's list.
 * - `ensureImage` (a build job's work on this platform): that function when it is ready; else waits
 *   for one being deployed; else deploys one on first use — the image the factory pushed for exactly
 *   this runtime + libraries, found in the image registry by its labels, becomes a function through
 *   the dashboard (`POST /api/functions`, the spec from `factory/nuclio`), polled until `ready` or
 *   `error`, boundedly. Concurrent first uses deploy once.
 *
 * What it cannot do is build: there is no image builder without an engine. A runtime or exercise
 * whose Nuclio image was never pushed is `not_deployed`, with the commands that would push it.
 */

import { CoderingError, isCoderingError } from '../../../errors';
import { SingleFlight, type BuildProgress, type BuiltImage, type ImageRequest } from '../../../factory/builder';
import type { Catalogue } from '../../../factory/catalogue';
import { canonicalLibrarySpecs } from '../../../factory/libraries';
import { imageKeyOf, nuclioFunctionSpec } from '../../../factory/nuclio';
import { resolveRuntime } from '../../../factory/resolve';
import type { RunLimits } from '../../../proxy';
import type { ImageSource } from '../../images';
import type { FunctionImage, FunctionImageLocator } from './function-image-locator';
import type { DashboardFunction, DashboardFunctionBody, NuclioDashboard } from './nuclio-dashboard';
import type { FunctionRecord, NuclioFunctions } from './nuclio-functions';

/** How the functions the API deploys are made (CODERING_NUCLIO_*). */
export interface FunctionDeploySettings {
  namespace: string;
  project: string;
  functionPrefix: string;
  /** host[:port] the nodes pull from: the function's image is `<imageRegistry>/<repository>@<digest>`. */
  imageRegistry: string;
  /** null: none. */
  pullSecret: string | null;
  /** The pods' service account (infra's, which mounts no token); null: the namespace's default. */
  serviceAccount: string | null;
  replicas: number;
  cpu: string;
  /** The operator's maxima: the function's memory and event timeout derive from them. */
  limits: Pick<RunLimits, 'wallMs' | 'compileWallMs' | 'memoryBytes'>;
  /** Longest wait for a function to become ready. */
  timeoutMs: number;
  /** Longest pause between two polls of a deploying function (they start at 1/8 of it, doubling). Default 2 s. */
  pollMs?: number;
}

export interface NuclioImageSourceOptions {
  catalogue: Catalogue;
  /**
   * The registry the API names images with (CODERING_REGISTRY): a function's reference is
   * `<registry>/<the image it serves>`, the content-tagged reference the one naming function names it from.
   */
  registry: string;
  functions: NuclioFunctions;
  dashboard: NuclioDashboard;
  images: FunctionImageLocator;
  deploy: FunctionDeploySettings;
  log?: { info(obj: object, msg: string): void };
}

/**
 * States in which a function found is handed out: `ready`, or `unhealthy` (deployed, Kubernetes' to
 * mend; the platform refuses runs meanwhile). `ensureImage` waits for any other but `error`.
 */
const SERVING = new Set(['ready', 'unhealthy']);
/** Who made a function: the API, for those it deploys (infra's say `pulumi`). */
const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
/** A `find` that misses reads the dashboard again, but not more often than this. */
const MISS_REFRESH_MS = 1000;

interface Target {
  runtimeId: string;
  libraries: string[];
  key: string;
}

export class NuclioImageSource implements ImageSource {
  private readonly flights = new SingleFlight<BuiltImage, BuildProgress>();

  constructor(private readonly options: NuclioImageSourceOptions) {}

  async findImage(request: ImageRequest): Promise<BuiltImage | null> {
    const target = this.target(request);
    const { functions } = this.options;
    let record = functions.find(target.key);
    if (record === undefined) {
      await functions.refreshIfOlder(MISS_REFRESH_MS);
      record = functions.find(target.key);
    }
    return record !== undefined && SERVING.has(record.state) ? this.builtImage(record, target, true) : null;
  }

  async ensureImage(request: ImageRequest, onProgress?: (progress: BuildProgress) => void): Promise<BuiltImage> {
    const target = this.target(request);
    return this.flights.run(target.key, onProgress, (emit) => this.ensure(target, emit));
  }

  private async ensure(target: Target, emit: (progress: BuildProgress) => void): Promise<BuiltImage> {
    const { functions } = this.options;
    await functions.refresh();
    const existing = functions.find(target.key);
    if (existing?.state === 'ready') return this.builtImage(existing, target, true);
    if (existing?.state === 'error') throw inError(existing, target);
    if (existing !== undefined) {
      emit({ stage: 'deploy', step: 2, total: 2, message: `waiting for function ${existing.name} (${existing.state})` });
      return this.builtImage(await this.waitReady(existing.name, target), target, true);
    }

    emit({ stage: 'deploy', step: 1, total: 2, message: `looking for the Nuclio image of ${target.key}` });
    const image = await this.options.images.find(target.runtimeId, target.libraries);
    if (image === null) throw this.notDeployed(target);
    const body = this.body(image, target);
    const { name } = body.metadata;
    const outcome = await this.options.dashboard.createFunction(body);
    this.options.log?.info({ function: name, key: target.key, outcome }, `deploying function ${name} for ${target.key}`);
    emit({ stage: 'deploy', step: 2, total: 2, message: `deploying function ${name}` });
    return this.builtImage(await this.waitReady(name, target), target, false);
  }

  /** Polls the function until `ready` (resolves) or `error` (rejects), at most `timeoutMs`. */
  private async waitReady(name: string, target: Target): Promise<FunctionRecord> {
    const { timeoutMs, pollMs = 2000 } = this.options.deploy;
    const deadline = Date.now() + timeoutMs;
    let last: DashboardFunction | null = null;
    // a function whose image is already on the nodes is ready in seconds: look early, then less often
    let pause = pollMs / 8;
    for (;;) {
      try {
        last = await this.options.dashboard.getFunction(name);
      } catch (error) {
        // a dashboard that blinks during a deploy is waited for like the function itself
        if (!isCoderingError(error) || Date.now() >= deadline) throw error;
      }
      const record = last === null ? undefined : this.options.functions.upsert(last);
      if (record?.state === 'ready') return record;
      if (record?.state === 'error') throw inError(record, target);
      if (Date.now() >= deadline) {
        const state = record?.state ?? (last === null ? 'not found' : 'unknown');
        throw new CoderingError(
          'deploy_failed',
          `function ${name} for ${target.key} was not ready within ${timeoutMs} ms (state: ${state}); ` +
            'it may still become ready (a first pull of a large image is slow): a later request finds it',
          { function: name, key: target.key, state, timeoutMs },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(pause, Math.max(0, deadline - Date.now()))));
      pause = Math.min(pause * 2, pollMs);
    }
  }

  /**
   * The factory's function spec, as infra makes its runtimes' (named by the one naming function from
   * the served image), for the pushed Nuclio image pinned by digest.
   */
  private body(image: FunctionImage, target: Target): DashboardFunctionBody {
    const { deploy } = this.options;
    const pinned = image.digest === null ? `:${image.tag}` : `@${image.digest}`;
    const resource = nuclioFunctionSpec({
      servedImage: `${this.options.registry}/${image.served}`,
      functionPrefix: deploy.functionPrefix,
      namespace: deploy.namespace,
      projectName: deploy.project,
      image: `${deploy.imageRegistry}/${image.repository}${pinned}`,
      runtimeId: target.runtimeId,
      libraries: target.libraries,
      limits: deploy.limits,
      replicas: { min: deploy.replicas, max: deploy.replicas },
      cpu: deploy.cpu,
      ...(deploy.pullSecret === null ? {} : { imagePullSecret: deploy.pullSecret }),
      ...(deploy.serviceAccount === null ? {} : { serviceAccount: deploy.serviceAccount }),
      labels: { [MANAGED_BY_LABEL]: 'codering-registry-api' },
    });
    // The dashboard takes metadata and spec; the status is its own.
    return { metadata: resource.metadata, spec: resource.spec };
  }

  /** What a run names the function's image by: the content-tagged image it serves, under our registry. */
  private builtImage(record: FunctionRecord, target: Target, cached: boolean): BuiltImage {
    const at = record.image.indexOf('@');
    return {
      runtimeId: target.runtimeId,
      reference: record.served === null ? record.image : `${this.options.registry}/${record.served}`,
      digest: at === -1 ? null : record.image.slice(at + 1),
      cached,
      libraries: target.libraries,
    };
  }

  private notDeployed(target: Target): CoderingError {
    const libraries = target.libraries.map((spec) => ` --lib '${spec}'`).join('');
    const where = this.options.images.where(target.runtimeId);
    return new CoderingError(
      'not_deployed',
      `${target.key} is not deployed on this cluster: no Nuclio function serves it, and ${where} holds no image built for it. ` +
        'The API on Nuclio has no Docker engine and cannot build images: build and push its Nuclio image from a machine ' +
        `with the factory and quay.io in reach (\`npx codering build ${target.runtimeId}${libraries} --target nuclio\` ` +
        `pushes it to ${where}); the API then deploys its function on first use`,
      { key: target.key, runtime: target.runtimeId, libraries: target.libraries, repository: where },
    );
  }

  /** `python@3` → `python@3.13.5`, libraries canonical: the catalogue's 4xx errors for bad input. */
  private target(request: ImageRequest): Target {
    const resolved = resolveRuntime(this.options.catalogue, request.runtime);
    const libraries = canonicalLibrarySpecs(resolved.definition, request.libraries);
    return { runtimeId: resolved.id, libraries, key: imageKeyOf(resolved.id, libraries) };
  }
}

function inError(record: FunctionRecord, target: Target): CoderingError {
  return new CoderingError(
    'deploy_failed',
    `function ${record.name} for ${target.key} is in state error${record.message === '' ? '' : `: ${record.message}`}. ` +
      'Nuclio does not retry a function in error: fix the cause (its image, the registry, quotas) and redeploy or delete it',
    { function: record.name, key: target.key, state: record.state },
  );
}
