/**
 * The factory against the real Docker engine and the real registry: base, python and node in two
 * versions each, an exercise image with an npm library; pushed and read back through the registry's
 * API; each runtime's smoke program run through the proxy (`docker run -i --network none … --once`);
 * a second request builds nothing; a failing build explains itself and cleans up.
 * Cold builds take minutes; the engine and the registry keep them, so later runs take seconds.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { BuiltImage, ImageRequest } from '../../../factory/builder';
import {
  createImageBuilder,
  createImageEngine,
  createImageRegistryClient,
  EngineDeadlines,
  factoryConfig,
  ImageClient,
  loadCatalogue,
  parseImageReference,
  resolveRuntime,
  type BuildImageOptions,
  type BuildResult,
} from '../../../factory';
import { decodeProxyResult, encodeProxyRequest } from '../../../proxy';
import { isCoderingError } from '../../../errors';

jest.setTimeout(45 * 60_000);

const RUNTIMES = ['python@3.11', 'python@3.13', 'node@18', 'node@20'];
const LIMITS = {
  wallMs: 10_000,
  cpuMs: 10_000,
  compileWallMs: 60_000,
  memoryBytes: 512 * 1024 * 1024,
  outputBytes: 64 * 1024,
  processes: 64,
  fileBytes: 8 * 1024 * 1024,
};

/** The real engine, counting the builds it is asked for. */
class CountingEngine extends ImageClient {
  builds: string[] = [];
  override buildImage(context: Buffer, tag: string, options?: BuildImageOptions): Promise<BuildResult> {
    this.builds.push(tag);
    return super.buildImage(context, tag, options);
  }
}

const config = factoryConfig();
const base = createImageEngine(config);
const engine = new CountingEngine(base.docker, new EngineDeadlines({ callTimeoutMs: config.engineTimeoutMs, buildTimeoutMs: config.buildTimeoutMs }));
const builder = createImageBuilder({ engine });
const imageRegistry = createImageRegistryClient(config);
const catalogue = loadCatalogue();
const built = new Map<string, BuiltImage>();
let exercise: BuiltImage;

/** One request through the proxy in a throwaway container, as Nuclio's shell runtime does it. */
function runOnce(image: string, files: Array<{ name: string; content: string }>, main: string, stdin = '', args: string[] = []) {
  const request = encodeProxyRequest({ requestId: 'factory-test', files, main, stdin, args, limits: LIMITS });
  const run = spawnSync('docker', ['run', '--rm', '-i', '--network', 'none', image, '--once'], { input: request, timeout: 120_000 });
  if (run.status !== 0) throw new Error(`docker run ${image} exited ${run.status}: ${run.stderr.toString()}`);
  return decodeProxyResult(run.stdout.toString('utf8'));
}

beforeAll(async () => {
  // One at a time, in the order that shares the most: each suite's base is built once.
  for (const spec of RUNTIMES) built.set(spec, await builder.ensureImage({ runtime: spec, libraries: [] }));
  exercise = await builder.ensureImage({ runtime: 'node@18', libraries: ['lodash@4'] });
});

describe.each(RUNTIMES)('%s', (spec) => {
  test('is pushed, and the registry answers its tag and digest', async () => {
    const image = built.get(spec) as BuiltImage;
    const ref = parseImageReference(image.reference);
    expect(ref.registry).toBe(config.registry);
    expect(image.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await imageRegistry.listTags(ref.path)).toContain(ref.tag);
    expect(await imageRegistry.manifestDigest(ref.path, ref.tag)).toBe(image.digest);
    expect(await imageRegistry.listRepositories()).toEqual(expect.arrayContaining(['codering/base', ref.path]));
  });

  test('runs the catalogue\'s smoke program through the proxy', () => {
    const resolved = resolveRuntime(catalogue, spec);
    const { smoke, main } = resolved.definition;
    const result = runOnce((built.get(spec) as BuiltImage).reference, smoke.files, main, smoke.stdin, smoke.args);
    expect(result).toMatchObject({ status: 'ok', exitCode: 0 });
    expect(result.stdout).toBe(smoke.expectedStdout);
  });
});

test('two versions of a language are two images on two Debian suites', () => {
  expect(built.get('python@3.11')?.runtimeId).toBe('python@3.11.2');
  expect(built.get('python@3.13')?.runtimeId).toMatch(/^python@3\.13\./);
  expect(new Set([...built.values()].map((image) => image.reference)).size).toBe(RUNTIMES.length);
});

test('an exercise image with an npm library: require() finds it, and it is pushed', async () => {
  expect(exercise.libraries).toEqual(['lodash@4']);
  expect(exercise.reference).toMatch(/\/codering\/node-exercise:18\.[0-9.]+-[0-9a-f]{12}$/);
  const ref = parseImageReference(exercise.reference);
  expect(await imageRegistry.manifestDigest(ref.path, ref.tag)).toBe(exercise.digest);
  const program = "const _ = require('lodash'); console.log(_.chunk(['a', 'b', 'c', 'd'], 2).map((p) => p.join('')).join(' '), typeof _.VERSION);";
  const result = runOnce(exercise.reference, [{ name: 'main.js', content: program }], 'main.js');
  expect(result).toMatchObject({ status: 'ok', stdout: 'ab cd string\n' });
});

test('a second request for the same spec builds nothing: same image id, cached', async () => {
  engine.builds = [];
  const requests: ImageRequest[] = [
    { runtime: 'python@3.11', libraries: [] },
    { runtime: 'nodejs@18', libraries: ['lodash@4'] },
  ];
  const before = [built.get('python@3.11') as BuiltImage, exercise];
  const again = await Promise.all(requests.map((request) => builder.ensureImage(request)));
  expect(engine.builds).toEqual([]);
  again.forEach((image, index) => {
    expect(image.cached).toBe(true);
    expect(image.reference).toBe(before[index]?.reference);
    expect(image.imageId).toBe(before[index]?.imageId);
  });
  const inspected = await engine.inspectImage(again[0]?.reference as string);
  expect(inspected?.id).toBe(before[0]?.imageId);
});

test('the fast path answers a built spec without building, well under 200 ms', async () => {
  engine.builds = [];
  const times: number[] = [];
  for (let i = 0; i < 20; i += 1) {
    const started = process.hrtime.bigint();
    const found = await builder.findImage({ runtime: 'node@18', libraries: ['lodash@4'] });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    expect(found?.reference).toBe(exercise.reference);
  }
  times.sort((a, b) => a - b);
  expect(times[Math.floor(times.length / 2)]).toBeLessThan(200);
  expect(engine.builds).toEqual([]);
});

test('a failing build names its step, shows its output, and removes its intermediate images', async () => {
  const missing = `codering-no-such-package-${Date.now()}`;
  let failure: unknown;
  try {
    await builder.ensureImage({ runtime: 'node@18', libraries: [`${missing}@1.0.0`] }, undefined, { push: false });
  } catch (error) {
    failure = error;
  }
  expect(isCoderingError(failure)).toBe(true);
  if (!isCoderingError(failure)) return;
  expect(failure.code).toBe('build_failed');
  expect(failure.details).toMatchObject({ stage: 'exercise', instruction: expect.stringContaining('npm install') });
  expect((failure.details.log as string[]).join('\n')).toMatch(/npm ERR!|npm error/);
  for (const id of failure.details.removedImages as string[]) {
    expect(await engine.inspectImage(id)).toBeNull();
  }
});

test('the CLI builds (cached) and lists the registry', () => {
  const cli = path.resolve(__dirname, '../../../bin/codering.js');
  const build = spawnSync(process.execPath, [cli, 'build', 'python@3.11'], { encoding: 'utf8', timeout: 300_000 });
  expect(build.status).toBe(0);
  const image = built.get('python@3.11') as BuiltImage;
  expect(build.stdout.trim()).toBe(`${image.reference}@${image.digest}`);
  const images = spawnSync(process.execPath, [cli, 'images'], { encoding: 'utf8', timeout: 60_000 });
  expect(images.status).toBe(0);
  expect(images.stdout).toContain(parseImageReference(image.reference).tag);
  const bad = spawnSync(process.execPath, [cli, 'build', 'cobol'], { encoding: 'utf8', timeout: 60_000 });
  expect(bad.status).toBe(2);
  expect(bad.stderr).toMatch(/^error unknown_runtime: /);
});
