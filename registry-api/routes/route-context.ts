/** What the routes share, assembled once by `buildApp`. */

import type { Catalogue } from '../../factory/catalogue';
import type { CoderingConfig } from '../config';
import type { Executor } from '../executor';
import type { Readiness } from '../health';
import type { RunImages } from '../images';
import type { BuildJobs } from '../jobs';
import type { ApiMetrics } from '../metrics';
import type { Platform } from '../platform';

export interface RouteContext {
  config: Readonly<CoderingConfig>;
  catalogue: Catalogue;
  platform: Platform;
  jobs: BuildJobs;
  images: RunImages;
  executor: Executor;
  metrics: ApiMetrics;
  readiness: Readiness;
}
