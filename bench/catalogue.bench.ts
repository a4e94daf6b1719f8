/**
 * `npm run bench:catalogue`: the capacity scheduler under skewed traffic over the whole catalogue.
 *   - traffic: every runtime version (10 languages × 3), popularity by a Zipf law over a seeded
 *     ranking, each request the version's catalogue smoke program (files, stdin, arguments; stdout
 *     checked), closed loop at c = 1, 4 and 16, each level on a fresh API with its defaults (the
 *     default worker budget, race mode and warm floors);
 *   - per level: latency of the hot versions (top 3) and of the tail, cold starts against warm
 *     runs, evictions per minute, 429s each judged against `/v1/capacity` just before it, the
 *     workers' peak memory;
 *   - the baseline: a fresh hardened `docker run --rm` per request for a hot and a tail version,
 *     measured around the c = 1 level, and ours on the same versions as ratios to it.
 * Tables on stdout; everything in `.data/bench/catalogue-<timestamp>.json`. Every container the
 * bench starts is labelled and removed at the end, on errors and on Ctrl-C; each API is stopped.
 */

import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { CATALOGUE_PLAN } from './catalogue/catalogue-plan';
import { baselineTable, capacityTable, coldStartTable, latencyTable, rankingTable, refusalLines } from './catalogue/catalogue-tables';
import { baselineVersions, DockerRunBaseline } from './catalogue/docker-run-baseline';
import { summarizeLevel } from './catalogue/level-summary';
import { rankedCatalogue, type RankedVersion } from './catalogue/ranked-catalogue';
import { trafficLevel, type LevelResult } from './catalogue/traffic-level';
import { drawRanks } from './catalogue/zipf-traffic';
import { benchDir, cgroupV1Available, elapsed, load, runBench, writeBenchReport } from './run';

runBench('catalogue', CATALOGUE_PLAN.quick, async ({ startedAt, since, conditions, cleanups }) => {
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  if (!cgroupV1Available('memory')) console.log("note: no cgroup v1 memory hierarchy: the workers' memory is not measured");

  const ranked = await rankedCatalogue();
  const built = ranked.filter((version) => !version.cached);
  console.log(`${ranked.length} runtime versions on the engine${built.length > 0 ? `; built now: ${built.map((version) => version.spec).join(', ')}` : ''}`);
  const sequence = drawRanks(ranked.map((version) => version.share), CATALOGUE_PLAN.requests, CATALOGUE_PLAN.sequenceSeed)
    .map((rank) => ranked[rank] as RankedVersion);
  console.log(rankingTable(ranked, sequence));

  const baselineOf = baselineVersions(ranked);
  const baseline = new DockerRunBaseline(baselineOf);
  const firstHalf = Math.ceil(CATALOGUE_PLAN.baselineRuns / 2);
  console.log(`\n[${elapsed(since)}] baseline, first half: a fresh docker run --rm per request, ${baselineOf.map((version) => version.spec).join(' and ')}${load()}`);
  await baseline.warmUp();
  await baseline.block(firstHalf);

  const levels: LevelResult[] = [];
  for (const concurrency of CATALOGUE_PLAN.concurrency) {
    console.log(`\n[${elapsed(since)}] c = ${concurrency}: ${sequence.length} requests on a fresh API${load()}`);
    const level = await trafficLevel(concurrency, sequence, path.join(benchDir(), `catalogue-api-${stamp}-c${concurrency}.log`), cleanups);
    const summary = summarizeLevel(level, ranked);
    console.log(`  API ready after ${level.apiReadyMs} ms, floors warm after ${level.floorsWarmMs ?? '–'} ms; ${summary.ok}/${summary.requests} ok in ${summary.wallS.toFixed(1)} s, ${summary.coldStarts} cold starts, ${summary.evictions} evictions, ${summary.refused} × 429; log: ${path.relative(process.cwd(), level.apiLog)}`);
    levels.push(level);
    if (concurrency === 1) {
      console.log(`\n[${elapsed(since)}] baseline, second half${load()}`);
      await baseline.block(CATALOGUE_PLAN.baselineRuns - firstHalf);
    }
  }

  const summaries = levels.map((level) => summarizeLevel(level, ranked));
  const baselineResults = baseline.results();
  console.log(latencyTable(summaries));
  console.log(coldStartTable(summaries));
  console.log(capacityTable(summaries));
  console.log(baselineTable(baselineResults, levels.find((level) => level.concurrency === 1)?.requests ?? []));

  const refusals = refusalLines(summaries);
  console.log(refusals.length === 0 ? '\n429s: none' : `\n429s:\n${refusals.join('\n')}`);
  const errors = [
    ...summaries.filter((level) => level.wrongAnswers + level.otherErrors > 0)
      .map((level) => `  c=${level.concurrency}: ${level.wrongAnswers} wrong answer(s), ${level.otherErrors} other error(s); e.g. ${level.errorSamples.join(' | ')}`),
    ...baselineResults.filter((row) => row.errors > 0).map((row) => `  docker run ${row.spec}: ${row.errors} error(s); e.g. ${row.errorSamples.join(' | ')}`),
  ];
  console.log(errors.length === 0 ? 'errors: none' : `errors:\n${errors.join('\n')}`);

  const file = writeBenchReport(startedAt, {
    conditions: { ...conditions, loadAverageAtEnd: os.loadavg(), durationS: (performance.now() - since) / 1000 },
    plan: CATALOGUE_PLAN,
    ranking: ranked.map(({ smoke: _smoke, ...version }) => version),
    sequence: sequence.map((version) => version.spec),
    levels: levels.map((level, index) => ({ summary: summaries[index], ...level, apiLog: path.basename(level.apiLog) })),
    baseline: baselineResults,
  }, 'catalogue');
  console.log(`\n[${elapsed(since)}] report: ${path.relative(process.cwd(), file)}`);
  // 429s are findings about the scheduler, not a broken bench; a wrong answer or a failed request is
  return errors.length > 0;
});
