/**
 * The Docker client's one deadline policy, without Docker: a fake dockerode whose calls never answer.
 * Every call, image part or container part, must end in our `engine_timeout` on the configured
 * deadline, and abort the request it abandoned.
 */
import type Docker from 'dockerode';
import { createDockerClient, DockerClient } from '../../../factory/engine';
import { CoderingError, ERROR_CATALOGUE } from '../../../errors';

const DEADLINE_MS = 40;

/** A dockerode whose every call hangs, remembering the abort signals it was given. */
function hangingDocker(): { docker: Docker; signals: AbortSignal[] } {
  const signals: AbortSignal[] = [];
  const never = (options?: { abortSignal?: AbortSignal }): Promise<never> => {
    if (options?.abortSignal) signals.push(options.abortSignal);
    return new Promise<never>(() => undefined);
  };
  const docker = {
    ping: never,
    getImage: () => ({ inspect: never, tag: never, remove: never }),
    listImages: never,
    listContainers: never,
    createContainer: never,
    getContainer: () => ({ remove: never }),
    modem: {},
  } as unknown as Docker;
  return { docker, signals };
}

async function timeoutOf(call: () => Promise<unknown>): Promise<CoderingError> {
  const error = await call().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(CoderingError);
  return error as CoderingError;
}

describe('DockerClient deadlines', () => {
  let fake: ReturnType<typeof hangingDocker>;
  let client: DockerClient;

  beforeEach(() => {
    fake = hangingDocker();
    client = createDockerClient({ engineTimeoutMs: DEADLINE_MS, buildTimeoutMs: 10 * DEADLINE_MS }, fake.docker);
  });

  test.each([
    ['images.ping', (c: DockerClient) => c.images.ping()],
    ['images.inspectImage', (c: DockerClient) => c.images.inspectImage('codering/base:x')],
    ['images.tagImage', (c: DockerClient) => c.images.tagImage('a', 'b:c')],
    ['images.removeImage', (c: DockerClient) => c.images.removeImage('a')],
    ['images.listImages', (c: DockerClient) => c.images.listImages({})],
    ['containers.ping', (c: DockerClient) => c.containers.ping()],
    ['containers.imageExists', (c: DockerClient) => c.containers.imageExists('codering/python:x')],
    ['containers.list', (c: DockerClient) => c.containers.list({ a: 'b' })],
    ['containers.startAttached', (c: DockerClient) => c.containers.startAttached({ Image: 'x' })],
    ['containers.destroy', (c: DockerClient) => c.containers.destroy('abc')],
  ])('%s that never answers ends in engine_timeout on the configured deadline', async (_name, call) => {
    const started = Date.now();
    const error = await timeoutOf(() => call(client));
    expect(error.code).toBe('engine_timeout');
    expect(error.status).toBe(ERROR_CATALOGUE.engine_timeout.status);
    expect(error.details.timeoutMs).toBe(DEADLINE_MS);
    expect(Date.now() - started).toBeGreaterThanOrEqual(DEADLINE_MS - 5);
    // The abandoned request is cancelled, not left running.
    expect(fake.signals.length).toBeGreaterThan(0);
    expect(fake.signals.every((signal) => signal.aborted)).toBe(true);
  });

  test("a caller's own deadline wins over the configured one", async () => {
    const error = await timeoutOf(() => client.images.inspectImage('x', { timeoutMs: 5 }));
    expect(error.code).toBe('engine_timeout');
    expect(error.details.timeoutMs).toBe(5);
  });

  test('both parts share one dockerode instance', () => {
    expect(client.docker).toBe(fake.docker);
    expect(client.images.docker).toBe(fake.docker);
  });

  test('imageExists is the image part\'s inspect: 404 is false, an image is true', async () => {
    const notFound = Object.assign(new Error('no such image'), { statusCode: 404 });
    const docker = {
      getImage: (reference: string) => ({
        inspect: () =>
          reference === 'there'
            ? Promise.resolve({ Id: 'sha256:1', RepoTags: ['there'], Config: { Labels: {} }, Created: '2024-01-01T00:00:00Z', Size: 1 })
            : Promise.reject(notFound),
      }),
    } as unknown as Docker;
    const real = createDockerClient({ engineTimeoutMs: 1000, buildTimeoutMs: 1000 }, docker);
    expect(await real.containers.imageExists('there')).toBe(true);
    expect(await real.containers.imageExists('missing')).toBe(false);
  });
});
