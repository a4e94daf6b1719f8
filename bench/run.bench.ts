/**
 * `npm run bench:run`: what a run costs, side by side, in one process on one machine.
 *   1. the floor: the bare interpreter, started by a loop inside a hardened container of the image;
 *   2. ours end to end: sequential `POST /v1/run` against the real API, with and without a pause
 *      (1 and 2 are measured in interleaved rounds, so that both see the same machine load);
 *   3. the peers' model: a fresh hardened `docker run --once` per request, vs ours, at c = 1, 4, 16;
 *   4. pair vs hedged vs single: latency and CPU per run (workers' cgroups, the API process).
 * Tables on stdout; everything in `.data/bench/run-<timestamp>.json`. Every container the bench
 * starts is labelled and removed at the end, on errors and on Ctrl-C (see bench/run/cleanup-stack.ts).
 */

import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  ApiProcess,
  BENCH_LANGUAGES,
  benchDir,
  cgroupV1Available,
  concurrencySection,
  concurrencyTable,
  elapsed,
  ensureRuntimeImages,
  errorLines,
  floorTable,
  load,
  oursSequentialTable,
  PLAN,
  raceModesSection,
  raceModesTable,
  runBench,
  sequentialSections,
  writeBenchReport,
} from './run';

runBench('run', PLAN.quick, async ({ startedAt, since, conditions, cleanups }) => {
  if (!cgroupV1Available()) console.log('note: no cgroup v1 cpuacct hierarchy: worker CPU is not measured');

  const runtimes = await ensureRuntimeImages(BENCH_LANGUAGES);
  for (const runtime of runtimes) console.log(`  ${runtime.runtimeId.padEnd(16)} ${runtime.reference}${runtime.cached ? '' : ' (built now)'}`);

  const api = await ApiProcess.start(path.join(benchDir(), `api-${startedAt.toISOString().replace(/[:.]/g, '-')}.log`));
  cleanups.push('API process', () => api.stop());
  const readyMs = await api.waitReady(PLAN.readyTimeoutMs);
  console.log(`\n[${elapsed(since)}] API ready at ${api.baseUrl} (pid ${api.pid}) after ${readyMs} ms; log: ${path.relative(process.cwd(), api.logFile)}`);

  console.log(`\n[${elapsed(since)}] sections 1 and 2: the floor and ours end to end, interleaved${load()}`);
  const { floor, ours } = await sequentialSections(api.baseUrl, runtimes);
  console.log(floorTable(floor));
  console.log(oursSequentialTable(ours, floor));

  console.log(`\n[${elapsed(since)}] section 3: the peers' model vs ours${load()}`);
  const concurrency = await concurrencySection(api.baseUrl, runtimes);
  console.log(concurrencyTable(concurrency));

  console.log(`\n[${elapsed(since)}] section 4: race modes${load()}`);
  const modes = await raceModesSection(api, runtimes);
  console.log(raceModesTable(modes, floor));

  const errors = errorLines([
    ...floor.map((row) => ({ ...row, label: `floor ${row.language}/${row.program}` })),
    ...ours.map((row) => ({ ...row, label: `ours ${row.language}/${row.program} pause ${row.pauseMs}` })),
    ...concurrency.map((row) => ({ ...row, label: `${row.contender} ${row.language} c=${row.concurrency}` })),
    ...modes.map((row) => ({ ...row, label: `${row.mode} ${row.language}` })),
  ]);
  console.log(errors.length === 0 ? '\nerrors: none' : `\nerrors:\n${errors.join('\n')}`);

  const file = writeBenchReport(startedAt, {
    conditions: { ...conditions, loadAverageAtEnd: os.loadavg(), durationS: (performance.now() - since) / 1000 },
    plan: PLAN,
    runtimes,
    floor,
    ours,
    concurrency,
    modes,
  });
  console.log(`\n[${elapsed(since)}] report: ${path.relative(process.cwd(), file)}`);
  // The peers' model failing under load (a cold start per request on 2 cores) is a finding, not a
  // broken bench; any error of ours or of the floor is.
  return [...floor, ...ours, ...modes].some((row) => row.errors > 0) ||
    concurrency.some((row) => row.contender !== 'peers' && row.errors > 0);
});
