/** The run bench's parts, as `run.bench.ts`, `clean.bench.ts` and `catalogue.bench.ts` use them. */
export { ApiProcess } from './api-process';
export { removeBenchContainers } from './bench-containers';
export { PLAN } from './bench-plan';
export { elapsed, load, runBench, type BenchRun } from './bench-main';
export { BENCH_LANGUAGES } from './bench-programs';
export { benchConditions, benchDir, writeBenchReport } from './bench-report';
export { CleanupStack } from './cleanup-stack';
export { concurrencySection } from './concurrency-section';
export { docker } from './docker-cli';
export { summarize, type LatencySummary } from './latency-stats';
export { raceModesSection } from './race-modes-section';
export { closeRunClient } from './run-client';
export { ensureRuntimeImages } from './runtime-images';
export { sequentialSections } from './sequential-section';
export { concurrencyTable, errorLines, floorTable, oursSequentialTable, raceModesTable } from './section-tables';
export { cgroupV1Available } from './worker-cgroups';
