/**
 * Labels of every container the bench starts itself: managed by codering (the API's reaper and
 * `scripts/stop.sh` know them), of kind `bench` (never mistaken for a worker, whose CPU section 4
 * sums), and owned by this process (so that two benches on one machine clean up only their own).
 */

import { KIND_LABEL, MANAGED_LABEL, OWNER_PID_LABEL } from '../../registry-api/platform/local';

export const BENCH_KIND = 'bench';

export function benchLabels(): Record<string, string> {
  return { [MANAGED_LABEL]: 'true', [KIND_LABEL]: BENCH_KIND, [OWNER_PID_LABEL]: String(process.pid) };
}

/** `docker ps --filter` arguments that select this process's bench containers. */
export function benchFilters(): string[] {
  return Object.entries(benchLabels()).flatMap(([key, value]) => ['--filter', `label=${key}=${value}`]);
}
