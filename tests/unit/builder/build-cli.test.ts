/**
 * `codering build` as the CLI's main runs it, on the fake factory: what goes to stdout (the pushed
 * reference@digest, one line an image), what to stderr, and the exit codes.
 */
import { main } from '../../../factory/cli';
import { everyVersion } from '../../../factory/catalogue';
import { nuclioImageName } from '../../../factory/tags';
import { TEST_CATALOGUE } from '../templates';
import { REGISTRY, setUp } from './fake-factory';

async function codering(factory: ReturnType<typeof setUp>, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io = { out: (text: string) => (out += text), err: (text: string) => (err += text) };
  const code = await main(['node', 'codering', ...args], io, { builder: () => factory.builder });
  return { code, out, err };
}

// the progress display writes to the process's stderr (not a terminal here: one line a step)
beforeEach(() => jest.spyOn(process.stderr, 'write').mockImplementation(() => true));
afterEach(() => jest.restoreAllMocks());

describe('codering build --target nuclio', () => {
  test('prints the Nuclio function image as pushed, named after the image it serves', async () => {
    const factory = setUp();
    const built = await codering(factory, 'build', 'python@3.11', '--target', 'nuclio');
    expect(built.code).toBe(0);
    const served = await factory.builder.findImage({ runtime: 'python@3.11', libraries: [] });
    const servedTag = (served?.reference as string).split(':').pop() as string;
    const reference = `${REGISTRY}/${nuclioImageName('python@3.11.2', servedTag)}`;
    expect(built.out).toBe(`${reference}@${factory.imageRegistry.manifests.get(nuclioImageName('python@3.11.2', servedTag))}\n`);
    expect(built.err).toMatch(/^built python@3\.11\.2 \(Nuclio function image\) in [\d.]+ s\n$/);
    expect(factory.engine.pushes).toContain(reference);

    const again = await codering(factory, 'build', 'python@3.11', '--target', 'nuclio');
    expect(again).toMatchObject({ code: 0, out: built.out, err: expect.stringMatching(/^cached python@3\.11\.2 \(Nuclio function image\)/) });
  });

  test("an exercise's, with --lib; --all: every version of the catalogue, one line each", async () => {
    const factory = setUp();
    const exercise = await codering(factory, 'build', 'node', '--lib', 'lodash@4', '--target', 'nuclio');
    expect(exercise.out).toMatch(new RegExp(`^${REGISTRY}/codering/node-nuclio:18\\.20\\.4-[0-9a-f]{12}@sha256:[0-9a-f]{64}\\n$`));
    expect(exercise.err).toContain('built node@18.20.4 + lodash@4 (Nuclio function image)');

    const all = await codering(factory, 'build', '--all', '--target', 'nuclio');
    expect(all.code).toBe(0);
    const specs = everyVersion(TEST_CATALOGUE).map((version) => version.spec);
    expect(all.out.trimEnd().split('\n')).toEqual(
      specs.map((spec) => expect.stringMatching(new RegExp(`^${REGISTRY}/codering/${spec.split('@')[0]}-nuclio:${spec.split('@')[1]}-[0-9a-f]{12}@sha256:`))),
    );
    expect(all.err).toContain(`(${specs.length}/${specs.length})`);
  });

  test('a processor that cannot be pulled is exit 1 with the image and the variable to check', async () => {
    const factory = setUp();
    factory.engine.failing = {
      tag: /-nuclio:/,
      instruction: /^FROM quay\.io\/nuclio\/processor:/,
      output: [],
      message: 'manifest for quay.io/nuclio/processor:1.14.1-amd64 not found: manifest unknown: manifest unknown',
    };
    const failed = await codering(factory, 'build', 'python@3.11', '--target', 'nuclio');
    expect(failed.code).toBe(1);
    expect(failed.out).toBe('');
    expect(failed.err).toMatch(/^error build_failed: the Nuclio image of python@3\.11\.2 \(codering\/python-nuclio:3\.11\.2-[0-9a-f]{12}\) needs quay\.io\/nuclio\/processor:1\.14\.1-amd64, which the engine could not pull: manifest for/);
    expect(failed.err).toContain('CODERING_NUCLIO_PROCESSOR_VERSION');
  });

  test('without it: the local image, as ever', async () => {
    const factory = setUp();
    const built = await codering(factory, 'build', 'python@3.11');
    const served = await factory.builder.findImage({ runtime: 'python@3.11', libraries: [] });
    expect(built).toMatchObject({ code: 0, out: `${served?.reference}@${served?.digest}\n` });
    expect(built.err).toMatch(/^built python@3\.11\.2 in /);
    expect(factory.engine.pushes.filter((reference) => reference.includes('-nuclio'))).toEqual([]);
  });

  test('an unknown target is a usage error (exit 2)', async () => {
    const failed = await codering(setUp(), 'build', 'python@3.11', '--target', 'kubernetes');
    expect(failed.code).toBe(2);
    expect(failed.err).toContain('expected one of local, nuclio');
  });
});
