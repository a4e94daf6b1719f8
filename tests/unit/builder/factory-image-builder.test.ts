/**
 * The builder's logic against a fake engine and a fake registry: what is built, what is reused, what
 * happens when two requests want the same image at once, and what a failed build leaves behind.
 */
import { CoderingError, isCoderingError } from '../../../errors';
import type { BuildProgress } from '../../../factory/builder';
import { functionNameForImage, imageNameOf } from '../../../factory/nuclio';
import { nuclioImageName } from '../../../factory/tags';
import { RegistryImageLocator } from '../../../registry-api/platform/nuclio';
import { REGISTRY, setUp } from './fake-factory';

async function rejection(promise: Promise<unknown>): Promise<CoderingError> {
  try {
    await promise;
  } catch (error) {
    if (isCoderingError(error)) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('FactoryImageBuilder', () => {
  test('builds base then runtime, pushes both, answers the reference and the registry digest', async () => {
    const { engine, imageRegistry, builder } = setUp();
    const progress: BuildProgress[] = [];
    const built = await builder.ensureImage({ runtime: 'python@3.11', libraries: [] }, (p) => progress.push(p));

    expect(engine.builds.map((b) => b.tag)).toEqual([
      expect.stringMatching(/^codering\/base:bookworm-[0-9a-f]{12}$/),
      expect.stringMatching(/^codering\/python:3\.11\.2-[0-9a-f]{12}$/),
    ]);
    expect(engine.builds[0]?.files).toEqual(['Dockerfile', 'proxy/main.c', 'proxy/stand-in.h']);
    expect(engine.builds[1]?.files).toEqual(['Dockerfile', 'runtime.sh']);
    // The runtime starts FROM the base just built, by its registry-independent name.
    expect(engine.builds[1]?.dockerfile).toContain(`FROM ${engine.builds[0]?.tag}`);
    expect(engine.pushes).toEqual([`${REGISTRY}/${engine.builds[0]?.tag}`, `${REGISTRY}/${engine.builds[1]?.tag}`]);
    expect(built).toEqual({
      runtimeId: 'python@3.11.2',
      reference: `${REGISTRY}/${engine.builds[1]?.tag}`,
      digest: imageRegistry.manifests.get(engine.builds[1]?.tag as string),
      cached: false,
      libraries: [],
      imageId: expect.stringMatching(/^sha256:/),
    });
    expect(progress.some((p) => p.stage === 'base' && p.step > 0 && p.total > 0)).toBe(true);
    expect(progress.some((p) => p.stage === 'runtime' && /^Step \d+\/\d+ : /.test(p.message))).toBe(true);
  });

  test('a second request for the same spec builds nothing and answers the same image', async () => {
    const { engine, builder } = setUp();
    const first = await builder.ensureImage({ runtime: 'python@3.11', libraries: [] });
    const builds = engine.builds.length;
    const second = await builder.ensureImage({ runtime: 'py@3.11.2', libraries: [] });
    expect(engine.builds).toHaveLength(builds);
    expect(second).toEqual({ ...first, cached: true });
  });

  test('an image missing from the registry (emptied, or built with --no-push) is pushed on the next request', async () => {
    const { engine, imageRegistry, builder } = setUp();
    const first = await builder.ensureImage({ runtime: 'python@3.11', libraries: [] });
    imageRegistry.manifests.clear();
    const pushes = engine.pushes.length;
    const again = await builder.ensureImage({ runtime: 'python@3.11', libraries: [] });
    expect(engine.pushes.length).toBe(pushes + 2);
    expect(again).toEqual({ ...first, cached: true });
  });

  test('concurrent requests for the same spec build each image once and all get it', async () => {
    const { engine, builder } = setUp();
    engine.buildDelayMs = 30;
    const progressA: BuildProgress[] = [];
    const progressB: BuildProgress[] = [];
    const results = await Promise.all([
      builder.ensureImage({ runtime: 'node', libraries: ['lodash@4'] }, (p) => progressA.push(p)),
      builder.ensureImage({ runtime: 'js@18', libraries: ['lodash@4'] }, (p) => progressB.push(p)),
      builder.ensureImage({ runtime: 'node@18.20.4', libraries: ['lodash@4'] }),
    ]);
    expect(engine.builds.map((b) => b.tag.split(':')[0])).toEqual(['codering/base', 'codering/node', 'codering/node-exercise']);
    expect(results[0]?.reference).toBe(results[2]?.reference);
    expect(new Set(engine.pushes).size).toBe(engine.pushes.length);
    // Both waiting callers saw the shared build's progress.
    expect(progressA.some((p) => p.stage === 'exercise' && p.step > 0)).toBe(true);
    expect(progressB.some((p) => p.stage === 'exercise' && p.step > 0)).toBe(true);
  });

  test('different specs share the chain they have in common and build one at a time', async () => {
    const { engine, builder } = setUp({ buildConcurrency: 1 });
    engine.buildDelayMs = 10;
    await Promise.all([
      builder.ensureImage({ runtime: 'node', libraries: ['lodash@4'] }),
      builder.ensureImage({ runtime: 'node', libraries: ['left-pad'] }),
      builder.ensureImage({ runtime: 'python@3.11', libraries: [] }),
    ]);
    const repositories = engine.builds.map((b) => b.tag.split(':')[0]);
    expect(repositories.filter((r) => r === 'codering/base')).toHaveLength(1);
    expect(repositories.filter((r) => r === 'codering/node')).toHaveLength(1);
    expect(repositories.filter((r) => r === 'codering/node-exercise')).toHaveLength(2);
    expect(engine.maxActiveBuilds).toBe(1);
  });

  test('adding a library to a built runtime builds only the exercise image', async () => {
    const { engine, builder } = setUp();
    await builder.ensureImage({ runtime: 'node', libraries: [] });
    const before = engine.builds.length;
    const built = await builder.ensureImage({ runtime: 'node', libraries: ['lodash@4', 'apt:jq'] });
    expect(engine.builds.slice(before).map((b) => b.tag.split(':')[0])).toEqual(['codering/node-exercise']);
    expect(built.libraries).toEqual(['apt:jq', 'lodash@4']);
    expect(built.reference).toMatch(/\/codering\/node-exercise:18\.20\.4-[0-9a-f]{12}$/);
    expect(built.cached).toBe(false);
  });

  test('an image the registry has but the engine lacks is pulled, not built', async () => {
    const first = setUp();
    const built = await first.builder.ensureImage({ runtime: 'python@3.11', libraries: [] });
    // A second machine: same registry content, an engine with only the Debian roots (same ids).
    const second = setUp();
    for (const [key, digest] of first.imageRegistry.manifests) second.imageRegistry.manifests.set(key, digest);
    for (const image of first.engine.images.values()) {
      for (const tag of image.tags.filter((t) => t.startsWith(REGISTRY))) second.engine.pullable.set(tag, { ...image });
    }
    const again = await second.builder.ensureImage({ runtime: 'python@3.11', libraries: [] });
    expect(second.engine.builds).toHaveLength(0);
    expect(second.engine.pulls).toHaveLength(2);
    expect(second.engine.pushes).toHaveLength(0);
    expect(again).toEqual({ ...built, cached: true });
  });

  test('a failed build reports the failing step with its output, and removes what it left', async () => {
    const { engine, builder } = setUp();
    await builder.ensureImage({ runtime: 'node', libraries: [] });
    const imagesBefore = new Set(engine.images.keys());
    engine.failing = {
      tag: /node-exercise/,
      instruction: /npm install/,
      output: ['npm ERR! code E404', "npm ERR! 404 Not Found - GET https://registry.npmjs.org/no-such-package-xyz"],
    };
    const error = await rejection(builder.ensureImage({ runtime: 'node', libraries: ['no-such-package-xyz'] }));
    expect(error.code).toBe('build_failed');
    expect(error.message).toMatch(/exercise image codering\/node-exercise:18\.20\.4-[0-9a-f]{12} failed to build at step \d+\/\d+ \(RUN .*npm install/);
    expect(error.details).toMatchObject({ stage: 'exercise', step: expect.any(Number), instruction: expect.stringContaining('npm install') });
    expect(error.details.log).toEqual(expect.arrayContaining(['npm ERR! code E404', expect.stringContaining('returned a non-zero code')]));
    // The intermediate images of the failed build are gone; everything that existed before stays.
    expect(engine.removed.length).toBeGreaterThan(0);
    expect(error.details.removedImages).toEqual(engine.removed);
    expect(new Set(engine.images.keys())).toEqual(imagesBefore);
    expect(engine.pushes.some((p) => p.includes('node-exercise'))).toBe(false);

    // A later request tries again (a failure is not cached).
    engine.failing = null;
    const built = await builder.ensureImage({ runtime: 'node', libraries: ['no-such-package-xyz'] });
    expect(built.cached).toBe(false);
  });

  test('findImage answers only what is already built, and never builds, pulls or pushes', async () => {
    const { engine, builder } = setUp();
    expect(await builder.findImage({ runtime: 'python@3.11', libraries: [] })).toBeNull();
    expect(engine.builds).toHaveLength(0);
    const built = await builder.ensureImage({ runtime: 'python@3.11', libraries: [] });
    const counts = [engine.builds.length, engine.pushes.length, engine.pulls.length];
    expect(await builder.findImage({ runtime: 'python@3.9', libraries: [] })).toBeNull();
    const found = await builder.findImage({ runtime: 'python@^3.10', libraries: [] });
    expect(found).toEqual({ ...built, cached: true });
    expect([engine.builds.length, engine.pushes.length, engine.pulls.length]).toEqual(counts);
  });

  test('--no-push builds locally, pushes nothing, and has no digest', async () => {
    const { engine, builder } = setUp({ push: false });
    const built = await builder.ensureImage({ runtime: 'c', libraries: ['apt:jq'] });
    expect(engine.pushes).toEqual([]);
    expect(built.digest).toBeNull();
    // The image is runnable locally under its registry name all the same.
    expect(await engine.inspectImage(built.reference)).not.toBeNull();
  });

  test('a missing Debian root and bad requests are reported with the catalogue\'s codes', async () => {
    const { engine, builder } = setUp();
    engine.images.clear();
    const missing = await rejection(builder.ensureImage({ runtime: 'python', libraries: [] }));
    expect(missing.code).toBe('build_failed');
    expect(missing.message).toMatch(/codering\/debian:bookworm is missing/);
    expect((await rejection(builder.ensureImage({ runtime: 'cobol', libraries: [] }))).code).toBe('unknown_runtime');
    expect((await rejection(builder.ensureImage({ runtime: 'python@9', libraries: [] }))).code).toBe('unsatisfiable_version');
    expect((await rejection(builder.ensureImage({ runtime: 'node', libraries: ['x;rm -rf /'] }))).code).toBe('invalid_library');
    expect((await rejection(builder.ensureImage({ runtime: 'go', libraries: ['github.com/x/y'] }))).code).toBe('libraries_not_supported');
  });

  test('the nuclio target without the processor: its shell-runtime stage, FROM the image, never pushed', async () => {
    const { engine, builder } = setUp();
    const built = await builder.ensureNuclioShellImage({ runtime: 'python@3.11', libraries: [] });
    const [, runtime, shell] = engine.builds;
    expect(shell?.tag).toMatch(/^codering\/python-nuclio-shell:3\.11\.2-[0-9a-f]{12}$/);
    expect(shell?.target).toBe('shell-runtime');
    expect(shell?.files).toEqual(['Dockerfile', 'handler.sh']);
    expect(shell?.dockerfile).toContain(`FROM ${REGISTRY}/${runtime?.tag} AS shell-runtime`);
    expect(shell?.labels).toMatchObject({ 'org.codering.managed': 'true', 'org.codering.content-tag': shell?.tag.split(':')[1] });
    // the runtime is pushed as ever; the harness's image is not
    expect(engine.pushes).not.toContain(`${REGISTRY}/${shell?.tag}`);
    expect(built).toMatchObject({ runtimeId: 'python@3.11.2', reference: `${REGISTRY}/${shell?.tag}`, digest: null, cached: false });
    // a second call finds both
    const again = await builder.ensureNuclioShellImage({ runtime: 'python@3.11', libraries: [] });
    expect(engine.builds).toHaveLength(3);
    expect(again).toEqual({ ...built, cached: true });
  });

  test('planImage renders the chain without building, tagging what can be known', async () => {
    const { engine, builder } = setUp();
    const before = await builder.planImage({ runtime: 'node', libraries: ['lodash@4'] }, { target: 'nuclio' });
    expect(before.map((p) => [p.rendered.tier, p.tag === null])).toEqual([
      ['base', false],
      ['runtime', true],
      ['exercise', true],
      // the function image is named by the tag of the image it serves, unknown until that is built
      ['nuclio', true],
    ]);
    expect(before[2]?.rendered.dockerfile).toContain('FROM codering/node:18.20.4-unbuilt');
    await builder.ensureImage({ runtime: 'node', libraries: ['lodash@4'] });
    const after = await builder.planImage({ runtime: 'node', libraries: ['lodash@4'] });
    expect(after.every((p) => p.present)).toBe(true);
    expect(engine.builds).toHaveLength(3);
    const upstream = await builder.planImage({ runtime: 'node', libraries: [] }, { from: 'upstream' });
    expect(upstream.map((p) => p.rendered.parent)).toEqual(['node:18-bookworm-slim']);
  });

  describe('the Nuclio function image (ensureNuclioImage)', () => {
    const requests = [
      { what: 'a runtime', request: { runtime: 'python@3.11', libraries: [] }, runtimeId: 'python@3.11.2', served: 'codering/python' },
      { what: 'an exercise', request: { runtime: 'node', libraries: ['lodash@4'] }, runtimeId: 'node@18.20.4', served: 'codering/node-exercise' },
    ];

    test.each(requests)('of $what: built FROM its image, pushed under the name infra and the API use, cached the second time', async ({ request, runtimeId, served }) => {
      const { engine, imageRegistry, builder } = setUp();
      const progress: BuildProgress[] = [];
      const built = await builder.ensureNuclioImage(request, (p) => progress.push(p));

      // the request's image first, then the function's image FROM it: the whole target, processor included
      const image = engine.builds[engine.builds.length - 2];
      const nuclio = engine.builds[engine.builds.length - 1];
      expect(image?.tag).toMatch(new RegExp(`^${served}:`));
      expect(nuclio?.tag).toMatch(new RegExp(`^${served.replace(/-exercise$/, '')}-nuclio:[\\d.]+-[0-9a-f]{12}$`));
      expect(nuclio?.target).toBeUndefined();
      expect(nuclio?.dockerfile).toContain(`FROM ${REGISTRY}/${image?.tag} AS shell-runtime`);
      expect(nuclio?.dockerfile).toContain('FROM quay.io/nuclio/processor:1.14.1-amd64 AS processor');
      expect(progress.some((p) => p.stage === 'nuclio' && p.total > 0)).toBe(true);

      // named by the served image's tag: what `codering build` printed for the image is what infra names it from
      const servedImage = await builder.findImage(request);
      const servedTag = imageNameOf(servedImage?.reference as string).tag;
      expect(servedImage?.reference).toBe(`${REGISTRY}/${image?.tag}`);
      expect(built.reference).toBe(`${REGISTRY}/${nuclioImageName(runtimeId, servedTag)}`);
      const [plan] = (await builder.planImage(request, { target: 'nuclio' })).slice(-1);
      expect(plan).toMatchObject({ reference: built.reference, present: true });

      // pushed under that name only (its content-tagged build name stays local), with the registry's digest
      const { repository, tag } = imageNameOf(built.reference);
      expect(engine.pushes).toContain(built.reference);
      expect(engine.pushes).not.toContain(`${REGISTRY}/${nuclio?.tag}`);
      expect(built).toEqual({
        runtimeId,
        reference: built.reference,
        digest: imageRegistry.manifests.get(`${repository}:${tag}`),
        cached: false,
        libraries: servedImage?.libraries,
        imageId: (await engine.inspectImage(nuclio?.tag as string))?.id,
      });

      // the API's locator finds it for this request, serving this image: the same function infra would name
      const located = await new RegistryImageLocator(imageRegistry).find(runtimeId, built.libraries);
      expect(located).toEqual({ repository, tag, digest: built.digest, served: imageNameOf(servedImage?.reference as string).repository + `:${servedTag}` });
      expect(functionNameForImage(`${REGISTRY}/${located?.served}`)).toBe(functionNameForImage(servedImage?.reference as string));

      const builds = engine.builds.length;
      const pushes = engine.pushes.length;
      const again = await builder.ensureNuclioImage(request);
      expect(engine.builds).toHaveLength(builds);
      expect(engine.pushes).toHaveLength(pushes);
      expect(again).toEqual({ ...built, cached: true });
    });

    test('a new processor version rebuilds it under the same name, and the registry gets the new build', async () => {
      const first = setUp();
      const old = await first.builder.ensureNuclioImage({ runtime: 'python@3.11', libraries: [] });
      const { engine, builder } = setUp({ nuclioProcessorVersion: '1.14.9', sharing: first });
      const builds = engine.builds.length;
      const upgraded = await builder.ensureNuclioImage({ runtime: 'python@3.11', libraries: [] });
      expect(engine.builds.slice(builds).map((b) => b.dockerfile.match(/^FROM quay\.io\/nuclio\/processor:\S+/m)?.[0])).toEqual([
        'FROM quay.io/nuclio/processor:1.14.9-amd64',
      ]);
      expect(upgraded).toMatchObject({ reference: old.reference, cached: false });
      expect(upgraded.digest).not.toBe(old.digest);
      expect(engine.pushes.filter((reference) => reference === old.reference)).toHaveLength(2);
      // and the first configuration's plan no longer calls the image of that name its own
      const [plan] = (await first.builder.planImage({ runtime: 'python@3.11', libraries: [] }, { target: 'nuclio' })).slice(-1);
      expect(plan).toMatchObject({ reference: old.reference, present: false });
    });

    test('--no-push: tagged locally under the function name, nothing of it pushed, no digest', async () => {
      const { engine, builder } = setUp({ push: false });
      const built = await builder.ensureNuclioImage({ runtime: 'python@3.11', libraries: [] });
      expect(engine.pushes).toEqual([]);
      expect(built.digest).toBeNull();
      expect((await engine.inspectImage(built.reference))?.id).toBe(built.imageId);
    });

    test('a processor the engine cannot pull fails with the image and the variable that sets it, leaving nothing tagged', async () => {
      const { engine, builder } = setUp();
      await builder.ensureImage({ runtime: 'python@3.11', libraries: [] });
      const before = new Set(engine.images.keys());
      const pullError = 'Get "https://quay.io/v2/": dial tcp: lookup quay.io on 127.0.0.53:53: no such host';
      engine.failing = { tag: /-nuclio:/, instruction: /^FROM quay\.io\/nuclio\/processor:/, output: [], message: pullError };
      const error = await rejection(builder.ensureNuclioImage({ runtime: 'python@3.11', libraries: [] }));
      expect(error.code).toBe('build_failed');
      expect(error.message).toContain('the Nuclio image of python@3.11.2 (codering/python-nuclio:3.11.2-');
      expect(error.message).toContain('needs quay.io/nuclio/processor:1.14.1-amd64, which the engine could not pull');
      expect(error.message).toContain(pullError);
      expect(error.message).toContain('CODERING_NUCLIO_PROCESSOR_VERSION');
      expect(error.details).toMatchObject({
        stage: 'nuclio',
        missingImage: 'quay.io/nuclio/processor:1.14.1-amd64',
        configKey: 'CODERING_NUCLIO_PROCESSOR_VERSION',
        instruction: 'FROM quay.io/nuclio/processor:1.14.1-amd64 AS processor',
      });
      // no partial image: the steps it made are removed, nothing is tagged as a function image or pushed
      expect(error.details.removedImages).not.toEqual([]);
      expect([...engine.images.keys()].filter((id) => !before.has(id))).toEqual([]);
      expect([...engine.images.values()].flatMap((image) => image.tags).filter((tag) => tag.includes('-nuclio'))).toEqual([]);
      expect(engine.pushes.filter((reference) => reference.includes('-nuclio'))).toEqual([]);
      // the harness's stage never reaches the processor: it still builds here
      await expect(builder.ensureNuclioShellImage({ runtime: 'python@3.11', libraries: [] })).resolves.toMatchObject({ digest: null });
    });

    test('any other failure of its build is reported as it is', async () => {
      const { engine, builder } = setUp();
      engine.failing = { tag: /-nuclio:/, instruction: /^COPY handler\.sh/, output: ['no space left on device'] };
      const error = await rejection(builder.ensureNuclioImage({ runtime: 'python@3.11', libraries: [] }));
      expect(error.code).toBe('build_failed');
      expect(error.details.missingImage).toBeUndefined();
      expect(error.message).toMatch(/^the nuclio image codering\/python-nuclio:3\.11\.2-[0-9a-f]{12} failed to build at step 2\//);
    });
  });
});
