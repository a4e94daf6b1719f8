/** What the routes share, assembled once by `buildApp`. */

import type { Catalogue } from '../../factory/catalogue';
import type { RegistryConfig } from '../config';
import type { Executor } from '../executor/executor';
import type { RunImages } from '../images/run-images';
import type { RuntimeWarmup } from '../images/runtime-warmup';
import type { BuildJobs } from '../jobs/build-jobs';
import type { RegistryMetrics } from '../metrics/registry-metrics';
import type { Platform } from '../platform/platform';

export interface RouteContext {
  config: Readonly<RegistryConfig>;
  catalogue: Catalogue;
  platform: Platform;
  jobs: BuildJobs;
  images: RunImages;
  executor: Executor;
  metrics: RegistryMetrics;
  warmup: RuntimeWarmup;
}
