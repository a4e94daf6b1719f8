/**
 * `npm run bench:build` — what the image factory costs, measured on the real engine and registry:
 *  1. cold build of each base (per Debian suite) and each runtime image: the layer cache is busted for
 *     that image only (a no-cache build of its rendered Dockerfile FROM the existing parent, to a
 *     throwaway `codering-bench/…` tag, removed afterwards; shared images are never deleted);
 *  2. request → image reference for a spec already built (the API's fast path, findImage, and the
 *     full ensureImage when everything is cached): p50/p95 over N (target < 200 ms);
 *  3. adding one npm library to a cached runtime: render, build (the npm toolchain layer cached, the
 *     install itself not), push, digest (target < 30 s), to a throwaway repository deleted afterwards.
 * Environment: BENCH_RUNTIMES (default python@3.11,node@18,python@3.13,node@20), BENCH_LOOKUPS (200),
 * BENCH_LIBRARY_RUNS (3), BENCH_LIBRARY (left-pad@1.3.0), BENCH_SECTIONS (lookups,library,cold).
 */
import { performance } from 'node:perf_hooks';
import {
  BuildLog,
  createImageBuilder,
  createImageEngine,
  createImageRegistryClient,
  factoryConfig,
  LABELS,
  packContext,
  registryAuth,
  removeBuildLeftovers,
  type RenderedImage,
} from '../factory';

const RUNTIMES = (process.env.BENCH_RUNTIMES ?? 'python@3.11,node@18,python@3.13,node@20').split(',').filter(Boolean);
const LOOKUPS = Number(process.env.BENCH_LOOKUPS ?? 200);
const LIBRARY_RUNS = Number(process.env.BENCH_LIBRARY_RUNS ?? 3);
const LIBRARY = process.env.BENCH_LIBRARY ?? 'left-pad@1.3.0';
const SECTIONS = new Set((process.env.BENCH_SECTIONS ?? 'lookups,library,cold').split(','));
const BENCH_REPOSITORY = 'codering-bench';

const config = factoryConfig();
const engine = createImageEngine(config);
const builder = createImageBuilder({ engine });
const imageRegistry = createImageRegistryClient(config);
const auth = registryAuth(config);

interface Row {
  measure: string;
  subject: string;
  value: string;
  target: string;
  ok: string;
}
const rows: Row[] = [];

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

function nonce(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

/** Builds `rendered` into a throwaway tag and returns seconds; the image and its leftovers are removed. */
async function throwawayBuild(
  rendered: RenderedImage,
  name: string,
  options: { noCache: boolean; push: boolean; expectOutput?: RegExp },
): Promise<number> {
  const tag = `${BENCH_REPOSITORY}/${name}:${nonce()}`;
  const log = new BuildLog();
  const context = await packContext([{ name: 'Dockerfile', content: rendered.dockerfile }, ...rendered.files]);
  const started = performance.now();
  try {
    const { imageId } = await engine.buildImage(context, tag, {
      noCache: options.noCache,
      labels: { [LABELS.managed]: 'true', 'org.codering.bench': 'true' },
      onEvent: (event) => log.add(event),
    });
    // A measure of a build that did not really run would be worthless: check that the step ran.
    if (options.expectOutput && !log.lines().some((line) => options.expectOutput?.test(line))) {
      throw new Error(`the build did not print ${options.expectOutput}: was the step cached?`);
    }
    if (options.push) {
      const reference = `${config.registry}/${tag}`;
      await engine.tagImage(imageId, reference);
      await engine.pushImage(reference, auth);
      const [path, version] = [`${BENCH_REPOSITORY}/${name}`, tag.split(':')[1] as string];
      const digest = await imageRegistry.manifestDigest(path, version);
      const seconds = (performance.now() - started) / 1000;
      if (digest) await imageRegistry.deleteManifest(path, digest).catch(() => false);
      await engine.removeImage(reference);
      return seconds;
    }
    return (performance.now() - started) / 1000;
  } catch (error) {
    const lines = log.currentStepLines().slice(-15).join('\n');
    throw new Error(`${tag}: ${(error as Error).message}\n${lines}`);
  } finally {
    await engine.removeImage(tag).catch(() => 'missing');
    await removeBuildLeftovers(engine, log.stepImages);
  }
}

async function coldBuilds(): Promise<void> {
  const bases = new Map<string, RenderedImage>();
  const runtimes: Array<[string, RenderedImage]> = [];
  for (const spec of RUNTIMES) {
    const [base, runtime] = await builder.planImage({ runtime: spec, libraries: [] });
    if (!base?.present || !runtime) throw new Error(`${spec}: its base image is not built`);
    bases.set(base.rendered.tagPrefix, base.rendered);
    runtimes.push([runtime.rendered.runtimeId as string, runtime.rendered]);
  }
  for (const [suite, rendered] of bases) {
    process.stderr.write(`cold build: base ${suite}\n`);
    const seconds = await throwawayBuild(rendered, `base`, { noCache: true, push: false });
    rows.push({ measure: 'cold build (no cache), base', subject: suite, value: `${seconds.toFixed(1)} s`, target: '-', ok: '' });
  }
  for (const [id, rendered] of runtimes) {
    process.stderr.write(`cold build: ${id}\n`);
    const seconds = await throwawayBuild(rendered, id.split('@')[0] as string, { noCache: true, push: false });
    rows.push({ measure: 'cold build (no cache), runtime on its base', subject: id, value: `${seconds.toFixed(1)} s`, target: '-', ok: '' });
  }
}

async function lookups(): Promise<void> {
  const specs = [
    { runtime: RUNTIMES[0] as string, libraries: [] as string[] },
    { runtime: 'node@18', libraries: ['lodash@4'] },
  ];
  for (const request of specs) {
    const subject = `${request.runtime}${request.libraries.length ? ` + ${request.libraries.join(' ')}` : ''}`;
    for (const [measure, call] of [
      ['request -> reference, fast path (findImage)', () => builder.findImage(request)],
      ['request -> reference, ensureImage (all cached)', () => builder.ensureImage(request)],
    ] as const) {
      const times: number[] = [];
      for (let i = 0; i < LOOKUPS; i += 1) {
        const started = performance.now();
        const found = await call();
        times.push(performance.now() - started);
        if (!found) throw new Error(`${subject} is not built`);
      }
      times.sort((a, b) => a - b);
      const p50 = quantile(times, 0.5);
      const p95 = quantile(times, 0.95);
      rows.push({
        measure: `${measure}, p50 / p95 over ${LOOKUPS}`,
        subject,
        value: `${p50.toFixed(1)} / ${p95.toFixed(1)} ms`,
        target: '< 200 ms',
        ok: p95 < 200 ? 'yes' : 'NO',
      });
    }
  }
}

async function addOneLibrary(): Promise<void> {
  const plan = await builder.planImage({ runtime: 'node@18', libraries: [LIBRARY] });
  const exercise = plan[plan.length - 1];
  if (!exercise || exercise.rendered.tier !== 'exercise' || !plan[1]?.present) throw new Error('node@18 is not built');
  const times: number[] = [];
  for (let run = 0; run < LIBRARY_RUNS; run += 1) {
    // A fresh nonce before the install: the npm toolchain layers stay cached, the install itself runs.
    const dockerfile = exercise.rendered.dockerfile.replace(
      /^RUN mkdir -p \/opt\/codering\/lib\/node/m,
      `ARG CODERING_BENCH_NONCE=${nonce()}\n$&`,
    );
    if (dockerfile === exercise.rendered.dockerfile) throw new Error('the exercise template changed: no npm install step found');
    process.stderr.write(`add one npm library: run ${run + 1}/${LIBRARY_RUNS}\n`);
    const options = { noCache: false, push: true, expectOutput: /^added \d+ package/ };
    times.push(await throwawayBuild({ ...exercise.rendered, dockerfile }, 'node-exercise', options));
  }
  // For comparison: the first exercise of a runtime, when npm itself is not installed in a cached layer yet.
  process.stderr.write('add one npm library, toolchain not cached\n');
  const first = await throwawayBuild(exercise.rendered, 'node-exercise', { noCache: true, push: true, expectOutput: /^added \d+ package/ });
  rows.push({
    measure: 'first exercise of a runtime (npm toolchain not cached: no-cache build + push)',
    subject: `node@18 + ${LIBRARY}`,
    value: `${first.toFixed(1)} s`,
    target: '-',
    ok: '',
  });
  times.sort((a, b) => a - b);
  const median = quantile(times, 0.5);
  const worst = times[times.length - 1] as number;
  rows.push({
    measure: `add one npm library to a cached runtime (build + push), median / max of ${LIBRARY_RUNS}`,
    subject: `node@18 + ${LIBRARY}`,
    value: `${median.toFixed(1)} / ${worst.toFixed(1)} s`,
    target: '< 30 s',
    ok: worst < 30 ? 'yes' : 'NO',
  });
}

function printTable(): void {
  const header: Row = { measure: 'MEASURE', subject: 'SUBJECT', value: 'VALUE', target: 'TARGET', ok: 'MET' };
  const all = [header, ...rows];
  const width = (key: keyof Row) => Math.max(...all.map((row) => row[key].length));
  const keys: Array<keyof Row> = ['measure', 'subject', 'value', 'target', 'ok'];
  for (const row of all) console.log(keys.map((key) => row[key].padEnd(width(key))).join('  ').trimEnd());
}

async function main(): Promise<void> {
  await engine.ping();
  await imageRegistry.ping();
  // Warm-up, not measured: every image the measures start from exists (built once, then cached).
  process.stderr.write(`warm-up: ${RUNTIMES.join(', ')}, node@18 + lodash@4\n`);
  for (const spec of RUNTIMES) await builder.ensureImage({ runtime: spec, libraries: [] });
  await builder.ensureImage({ runtime: 'node@18', libraries: ['lodash@4'] });

  if (SECTIONS.has('lookups')) await lookups();
  if (SECTIONS.has('library')) await addOneLibrary();
  if (SECTIONS.has('cold')) await coldBuilds();
  printTable();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
