export { ApiMetrics } from './api-metrics';
export type { MetricsSources, RaceEvent } from './api-metrics';
