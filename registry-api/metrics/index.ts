export { RegistryMetrics } from './registry-metrics';
export type { MetricsSources, RaceEvent } from './registry-metrics';
