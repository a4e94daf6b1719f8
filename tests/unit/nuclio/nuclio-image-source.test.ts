/**
 * The nuclio platform's image source: a runtime (or an exercise's runtime + libraries) resolved to the
 * function that serves it from the dashboard alone, and a missing function deployed on first use from
 * the image the factory pushed. No Docker anywhere: the source is built from a dashboard client, the
 * functions it lists and an image registry client, nothing else.
 */

import {
  CONTENT_TAG_LABEL,
  functionNameForImage,
  IMAGE_KEY_LABEL,
  imageKeyHash,
  LIBRARIES_ANNOTATION,
  RUNTIME_ID_ANNOTATION,
  SERVED_IMAGE_ANNOTATION,
  SKIP_BUILD_ANNOTATION,
} from '../../../factory/nuclio';
import { nuclioRepository } from '../../../factory/tags';
import { NuclioDashboard } from '../../../registry-api/platform/nuclio';
import { codingError, startNuclioFixture, tagFor, type NuclioFixture } from './nuclio-fixture';

let f: NuclioFixture;
afterEach(async () => f.close());

const posts = (): unknown[] => f.fake.calls.filter((call) => call.method === 'POST').map((call) => call.body);

describe('runtime → function, from the dashboard alone', () => {
  beforeEach(async () => {
    f = await startNuclioFixture();
  });

  test('python@3 resolves to the function labelled python@3.13.5, named by its served image; the registry is not asked', async () => {
    const fn = f.addFunction('python@3.13.5');
    f.addFunction('python@3.11.2');
    const image = await f.source.findImage({ runtime: 'python@3', libraries: [] });
    const reference = `${f.registry.host}/codering/python:${tagFor('python@3.13.5')}`;
    expect(image).toEqual({ runtimeId: 'python@3.13.5', reference, digest: String(fn.spec.image).split('@')[1], cached: true, libraries: [] });
    // the one naming function, on that content-tagged reference, names the function
    expect(functionNameForImage(reference)).toBe(fn.metadata.name);
    expect(f.registry.requests).toEqual([]);
    const list = f.fake.calls.find((call) => call.path === '/api/functions');
    expect(list?.headers['x-nuclio-function-namespace']).toBe('nuclio');
    expect(list?.headers['x-nuclio-project-name']).toBe('codering');
  });

  test('an exercise is another function: the same runtime with canonical libraries', async () => {
    f.addFunction('python@3.13.5');
    const exercise = f.addFunction('python@3.13.5', { libraries: ['requests==2.31.0'] });
    const found = await f.source.findImage({ runtime: 'python@3.13', libraries: ['Requests==2.31.0'] });
    expect(found?.reference).toBe(`${f.registry.host}/${exercise.metadata.annotations[SERVED_IMAGE_ANNOTATION]}`);
    expect(found?.reference).toMatch(/\/codering\/python-exercise:3\.13\.5-/);
    expect(found?.libraries).toEqual(['requests==2.31.0']);
    expect(await f.source.findImage({ runtime: 'python@3.13', libraries: ['numpy==2.0.0'] })).toBeNull();
  });

  test('a function without our annotations (another of the project`s) is not one of ours', async () => {
    const fn = f.addFunction('python@3.13.5');
    delete fn.metadata.annotations[RUNTIME_ID_ANNOTATION];
    expect(await f.source.findImage({ runtime: 'python@3', libraries: [] })).toBeNull();
  });

  test('a function being deployed or in error is not found; an unhealthy one is (Kubernetes mends it)', async () => {
    f.addFunction('python@3.13.5', { state: 'building' });
    f.addFunction('python@3.11.2', { state: 'error' });
    f.addFunction('c@12.2.0', { state: 'unhealthy' });
    expect(await f.source.findImage({ runtime: 'python@3.13', libraries: [] })).toBeNull();
    expect(await f.source.findImage({ runtime: 'python@3.11', libraries: [] })).toBeNull();
    expect(await f.source.findImage({ runtime: 'c', libraries: [] })).not.toBeNull();
  });

  test('bad input is the catalogue`s 4xx, before any call', async () => {
    expect((await codingError(f.source.findImage({ runtime: 'cobol', libraries: [] }))).code).toBe('unknown_runtime');
    expect((await codingError(f.source.ensureImage({ runtime: 'python@3', libraries: ['not a spec!'] }))).code).toBe('invalid_library');
    expect(f.fake.calls).toEqual([]);
  });

  test('a dashboard that does not answer is engine_unavailable, named', async () => {
    f.addFunction('python@3.13.5');
    f.fake.dashboardDown = true;
    const error = await codingError(f.source.findImage({ runtime: 'python@3', libraries: [] }));
    expect(error.code).toBe('engine_unavailable');
    expect(error.message).toMatch(/Nuclio dashboard answered HTTP 500/);
  });
});

describe('deploy on first use', () => {
  const exercise = { runtime: 'python@3.13', libraries: ['requests==2.31.0'] };

  beforeEach(async () => {
    f = await startNuclioFixture();
    f.addFunction('python@3.13.5'); // the runtime's own function, deployed by infra
  });

  test('POSTs the factory`s function spec for the pushed image, polls it to ready, then it is found', async () => {
    const digest = f.pushImage('python@3.13.5', { libraries: ['requests==2.31.0'] });
    const tag = tagFor('python@3.13.5', ['requests==2.31.0']);
    const repository = `${f.registry.host}/${nuclioRepository('python')}`;
    // the exercise image the function serves, content tag and all: what names it
    const served = `${f.registry.host}/codering/python-exercise:${tag}`;
    const name = functionNameForImage(served);
    const progress: string[] = [];
    const image = await f.source.ensureImage(exercise, (event) => progress.push(event.message));
    expect(image).toEqual({ runtimeId: 'python@3.13.5', reference: served, digest, cached: false, libraries: ['requests==2.31.0'] });

    const [body] = posts() as { metadata: { name: string; labels: Record<string, string>; annotations: Record<string, string> }; spec: Record<string, unknown> }[];
    expect(body?.metadata.name).toBe(name);
    expect(body?.metadata.labels).toMatchObject({
      'nuclio.io/project-name': 'codering',
      'app.kubernetes.io/managed-by': 'codering-registry-api',
      [IMAGE_KEY_LABEL]: imageKeyHash('python@3.13.5+requests==2.31.0'),
      [CONTENT_TAG_LABEL]: tag,
    });
    expect(body?.metadata.annotations).toEqual({
      [RUNTIME_ID_ANNOTATION]: 'python@3.13.5',
      [LIBRARIES_ANNOTATION]: 'requests==2.31.0',
      [SERVED_IMAGE_ANNOTATION]: `codering/python-exercise:${tag}`,
      [SKIP_BUILD_ANNOTATION]: 'true',
    });
    expect(body?.spec).toMatchObject({
      runtime: 'shell',
      image: `${repository}@${digest}`,
      imagePullSecrets: 'codering-registry',
      serviceAccount: 'codering-function',
      securityContext: { runAsNonRoot: true, runAsUser: 1000 },
      minReplicas: 1,
      maxReplicas: 1,
      triggers: { http: { numWorkers: 1, workerAvailabilityTimeoutMilliseconds: 0 } },
    });
    expect(body).not.toHaveProperty('status');
    expect(f.fake.calls.filter((call) => call.method === 'GET' && call.path === `/api/functions/${name}`).length).toBeGreaterThanOrEqual(1);
    expect(progress).toEqual(['looking for the Nuclio image of python@3.13.5+requests==2.31.0', `deploying function ${name}`]);

    // known from now on, without a refresh or a second deploy
    expect((await f.source.findImage(exercise))?.reference).toBe(image.reference);
    expect(await f.source.ensureImage(exercise)).toMatchObject({ reference: image.reference, cached: true });
    expect(posts()).toHaveLength(1);
  });

  test('concurrent first uses deploy once', async () => {
    f.pushImage('python@3.13.5', { libraries: ['requests==2.31.0'] });
    const images = await Promise.all([f.source.ensureImage(exercise), f.source.ensureImage(exercise), f.source.ensureImage(exercise)]);
    expect(new Set(images.map((image) => image.reference)).size).toBe(1);
    expect(posts()).toHaveLength(1);
  });

  test('the newest image for exactly these libraries is deployed; other libraries and targets are ignored', async () => {
    f.pushImage('python@3.13.5', { libraries: ['requests==2.31.0'], tag: '3.13.5-aaaaaaaaaaaa', created: '2026-11-01T00:00:00Z' });
    const newest = f.pushImage('python@3.13.5', { libraries: ['requests==2.31.0'], tag: '3.13.5-bbbbbbbbbbbb', created: '2026-12-01T00:00:00Z' });
    f.pushImage('python@3.13.5', { libraries: ['numpy==2.0.0'], tag: '3.13.5-cccccccccccc', created: '2027-01-01T00:00:00Z' });
    f.pushImage('python@3.13.5', { libraries: ['requests==2.31.0'], tag: '3.13.5-dddddddddddd', created: '2027-01-01T00:00:00Z', target: 'local' });
    expect((await f.source.ensureImage(exercise)).digest).toBe(newest);
  });

  test('a deploy that ends in error is deploy_failed, with Nuclio`s message', async () => {
    f.pushImage('python@3.13.5', { libraries: ['requests==2.31.0'] });
    f.fake.deploy.outcome = 'error';
    const error = await codingError(f.source.ensureImage(exercise));
    expect(error.code).toBe('deploy_failed');
    expect(error.status).toBe(502);
    expect(error.message).toMatch(/is in state error: Failed to deploy: image pull back-off\. Nuclio does not retry/);
    // asked again: the function in error is reported, not deployed a second time
    expect((await codingError(f.source.ensureImage(exercise))).code).toBe('deploy_failed');
    expect(posts()).toHaveLength(1);
  });

  test('a deploy that never becomes ready gives up at the deadline, naming the state', async () => {
    await f.close();
    f = await startNuclioFixture({ timeoutMs: 400 });
    f.pushImage('python@3.13.5', { libraries: ['requests==2.31.0'] });
    f.fake.deploy.outcome = 'never';
    const started = Date.now();
    const error = await codingError(f.source.ensureImage(exercise));
    expect(error.code).toBe('deploy_failed');
    expect(error.message).toMatch(/was not ready within 400 ms \(state: building\)/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test('a function being deployed (by another API replica) is waited for, not deployed again', async () => {
    f.addFunction('python@3.13.5', { libraries: ['requests==2.31.0'], state: 'building' });
    const fn = [...f.fake.functions.values()].find((candidate) => candidate.status.state === 'building');
    setTimeout(() => {
      if (fn !== undefined) fn.status = { state: 'ready' };
    }, 150);
    expect((await f.source.ensureImage(exercise)).digest).toBe(String(fn?.spec.image).split('@')[1]);
    expect(posts()).toHaveLength(0);
  });

  test('nothing deployed and no image pushed: not_deployed (503), saying the API cannot build and what to run', async () => {
    const error = await codingError(f.source.ensureImage(exercise));
    expect(error.code).toBe('not_deployed');
    expect(error.status).toBe(503);
    expect(error.message).toContain('python@3.13.5+requests==2.31.0 is not deployed on this cluster');
    expect(error.message).toContain('has no Docker engine and cannot build images');
    expect(error.message).toContain("npx codering build python@3.13.5 --lib 'requests==2.31.0' --target nuclio");
    expect(error.message).toContain(`${f.registry.host}/codering/python-nuclio`);
    expect(posts()).toHaveLength(0);
  });
});

test('the dashboard`s 409 (a function of that name exists) is "exists", not an error', async () => {
  f = await startNuclioFixture();
  const fn = f.addFunction('python@3.13.5');
  const dashboard = new NuclioDashboard({ url: f.fake.dashboardUrl, namespace: 'nuclio', project: 'codering', timeoutMs: 1000 });
  expect(await dashboard.createFunction({ metadata: fn.metadata, spec: fn.spec })).toBe('exists');
  expect(await dashboard.replicaNames(fn.metadata.name)).toEqual([`nuclio-${fn.metadata.name}-pod0`]);
  expect(await dashboard.getFunction('codering-nothing')).toBeNull();
});
