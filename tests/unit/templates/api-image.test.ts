/**
 * The registry API's own image: its Dockerfile (a golden file), what of the repository goes into
 * its context and what never does, and its content tag (the same files, the same tag; a file the
 * image does not hold changes nothing). The build itself is acted out on the real engine in
 * tests/integration/registry-api/api-image.test.ts.
 * Regenerate the golden file after an intended change with `UPDATE_GOLDEN=1 npx jest tests/unit/templates`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FactoryImageBuilder, readApiImageFiles, tierNames } from '../../../factory/builder';
import { contextIgnores, readContextTree, type ContextFile } from '../../../factory/engine';
import {
  API_CONTEXT_IGNORE,
  API_DATA_DIR,
  API_ENTRYPOINT,
  API_PORT,
  API_UID,
  renderApiImage,
} from '../../../factory/templates';
import { FakeImageEngine, FakeImageRegistry } from '../builder/fake-image-engine';
import { PROXY_SOURCES, TEST_CATALOGUE } from './runtime-fixtures';

const GOLDEN = path.join(__dirname, 'golden');
const REGISTRY = 'registry.test:5000';

/** A small stand-in for the repository's files: the golden file must not move with every dependency. */
function fixtureFiles(manifest: Record<string, unknown> = {}): ContextFile[] {
  return [
    {
      name: 'package.json',
      content: JSON.stringify({
        name: 'codering-x',
        version: '1.2.3',
        engines: { node: '>=20' },
        dependencies: { '@pulumi/pulumi': '3.248', '@pulumi/kubernetes': '^4', fastify: '^5', 'better-sqlite3': '^12' },
        allowScripts: { 'better-sqlite3': true, esbuild: true, '@pulumi/kubernetes': true, ssh2: false },
        ...manifest,
      }),
    },
    { name: 'package-lock.json', content: '{"lockfileVersion":3}' },
    { name: 'registry-api/server.ts', content: 'export {};\n' },
  ];
}

describe('the API image', () => {
  test('golden Dockerfile: Node from Debian, the lockfile, non-root, our labels', () => {
    const image = renderApiImage({ files: fixtureFiles() });
    const file = path.join(GOLDEN, 'api.Dockerfile');
    if (process.env.UPDATE_GOLDEN === '1') fs.writeFileSync(file, image.dockerfile);
    expect(image.dockerfile).toBe(fs.readFileSync(file, 'utf8'));
    expect(image).toMatchObject({ tier: 'api', repository: 'codering/api', tagPrefix: '1.2.3', parent: 'codering/debian:trixie', runtimeId: null });
    expect(image.env).toEqual([
      { name: 'CODERING_DATA_DIR', value: API_DATA_DIR },
      { name: 'CODERING_HOST', value: '0.0.0.0' },
      { name: 'CODERING_PORT', value: String(API_PORT) },
    ]);
    expect(image.dockerfile).toContain(`USER ${API_UID}:${API_UID}`);
    expect(image.dockerfile).toContain(`ENTRYPOINT ${JSON.stringify(API_ENTRYPOINT)}`);
  });

  test('only the scripts package.json allows run, and the Pulumi dependencies are left out', () => {
    const { dockerfile } = renderApiImage({ files: fixtureFiles() });
    expect(dockerfile).toContain('npm ci --omit=dev --ignore-scripts');
    expect(dockerfile).toContain("npm uninstall --offline --omit=dev --ignore-scripts @pulumi/kubernetes @pulumi/pulumi \\\n");
    expect(dockerfile).toContain('npm rebuild better-sqlite3 esbuild \\\n');
    // nothing to leave out, nothing to rebuild: no such step (a bare `npm rebuild` would run every script)
    const bare = renderApiImage({ files: fixtureFiles({ dependencies: { fastify: '^5' }, allowScripts: {} }) }).dockerfile;
    expect(bare).not.toContain('npm uninstall');
    expect(bare).not.toContain('npm rebuild');
  });

  test('needs the lockfile', () => {
    const files = fixtureFiles().filter((file) => file.name !== 'package-lock.json');
    expect(() => renderApiImage({ files })).toThrow(/package-lock\.json/);
  });

  test('the content tag: same files, same tag; a source changes it; the build CAs do not', () => {
    const tagOf = (files: ContextFile[], certificates: ContextFile[] = []) =>
      tierNames(REGISTRY, renderApiImage({ files, buildCertificates: certificates }), 'sha256:root').tag;
    const tag = tagOf(fixtureFiles());
    expect(tag).toMatch(/^1\.2\.3-[0-9a-f]{12}$/);
    expect(tagOf(fixtureFiles())).toBe(tag);
    expect(tagOf(fixtureFiles(), [{ name: 'proxy-ca.crt', content: 'PEM' }])).toBe(tag);
    const edited = fixtureFiles().map((file) => (file.name === 'registry-api/server.ts' ? { ...file, content: 'export const x = 1;\n' } : file));
    expect(tagOf(edited)).not.toBe(tag);
  });
});

describe('the API image context, read from the repository', () => {
  const names = readApiImageFiles().map((file) => file.name);

  test('holds what the API runs: its code, the factory, the catalogue, the proxy, the lockfile', () => {
    for (const name of [
      'package.json',
      'package-lock.json',
      'registry-api/server.ts',
      'factory/templates/files/base.Dockerfile.hbs',
      'runtimes/python/runtime.yaml',
      'runtimes/python/runtime.sh',
      'proxy/c/main.c',
      'config/config-variables.ts',
    ]) {
      expect(names).toContain(name);
    }
  });

  test('never holds data, git, modules, tests, docs, or what only deploys or measures', () => {
    const forbidden = /(^|\/)(\.data|\.git|node_modules|tests|fixtures|dist|coverage)\/|\.test\.ts$|\.md$|^(infra|bench|scripts|bin)\//;
    expect(names.filter((name) => forbidden.test(name))).toEqual([]);
    expect(names.filter((name) => path.basename(name).startsWith('.'))).toEqual([]);
  });

  test('no file of it imports a dependency the image leaves out', () => {
    const importsPulumi = readApiImageFiles().filter((file) => /from '@pulumi\/|require\(['"]@pulumi\//.test(file.content.toString()));
    expect(importsPulumi.map((file) => file.name)).toEqual([]);
  });

  test('the ignore list works like a .dockerignore on names, at any depth; links are not followed', () => {
    expect(contextIgnores('tests', true, API_CONTEXT_IGNORE)).toBe(true);
    expect(contextIgnores('tests', false, API_CONTEXT_IGNORE)).toBe(false);
    expect(contextIgnores('run.test.ts', false, API_CONTEXT_IGNORE)).toBe(true);
    expect(contextIgnores('test-app.ts', false, API_CONTEXT_IGNORE)).toBe(false);
    expect(contextIgnores('.data', true, API_CONTEXT_IGNORE)).toBe(true);
    expect(contextIgnores('main.c', false, API_CONTEXT_IGNORE)).toBe(false);

    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'codering-context-'));
    try {
      fs.mkdirSync(path.join(root, 'app', 'tests'), { recursive: true });
      fs.mkdirSync(path.join(root, 'outside'));
      fs.writeFileSync(path.join(root, 'app', 'a.ts'), 'a');
      fs.writeFileSync(path.join(root, 'app', 'a.test.ts'), 'test');
      fs.writeFileSync(path.join(root, 'app', 'tests', 'b.ts'), 'b');
      fs.writeFileSync(path.join(root, 'outside', 'secret'), 's');
      fs.symlinkSync(path.join(root, 'outside'), path.join(root, 'app', 'linked'));
      const files = readContextTree(root, { entries: ['app'], ignore: API_CONTEXT_IGNORE, into: 'api' });
      expect(files.map((file) => file.name)).toEqual(['api/app/a.ts']);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('FactoryImageBuilder.ensureApiImage', () => {
  function setUp() {
    const engine = new FakeImageEngine();
    const imageRegistry = new FakeImageRegistry();
    engine.onPush = (reference) => imageRegistry.record(reference);
    engine.addImage('codering/debian:trixie');
    const builder = new FactoryImageBuilder({
      engine,
      catalogue: TEST_CATALOGUE,
      registry: REGISTRY,
      imageRegistryClient: imageRegistry,
      auth: null,
      proxySources: PROXY_SOURCES,
      apiImageFiles: () => fixtureFiles(),
    });
    return { engine, builder };
  }

  test('builds once from the trixie root, labelled and pushed as codering/api; the second time it is cached', async () => {
    const { engine, builder } = setUp();
    const first = await builder.ensureApiImage();
    expect(first.local).toMatch(/^codering\/api:1\.2\.3-[0-9a-f]{12}$/);
    expect(first.reference).toBe(`${REGISTRY}/${first.local}`);
    expect(first.cached).toBe(false);
    expect(engine.builds).toHaveLength(1);
    expect(engine.builds[0]?.files).toEqual(
      expect.arrayContaining(['Dockerfile', 'api/package.json', 'api/package-lock.json', 'api/registry-api/server.ts']),
    );
    expect(engine.builds[0]?.labels).toEqual({ 'org.codering.managed': 'true', 'org.codering.content-tag': first.tag });
    expect(engine.pushes).toEqual([first.reference]);

    const second = await builder.ensureApiImage();
    expect(second).toMatchObject({ reference: first.reference, cached: true });
    expect(engine.builds).toHaveLength(1);
  });

  test('without the Debian root it says how to make it', async () => {
    const { builder } = setUp();
    const bare = new FactoryImageBuilder({
      engine: new FakeImageEngine(),
      catalogue: TEST_CATALOGUE,
      registry: REGISTRY,
      imageRegistryClient: null,
      auth: null,
      apiImageFiles: () => fixtureFiles(),
    });
    await expect(bare.ensureApiImage()).rejects.toThrow(/codering\/debian:trixie is missing.*make-debian-root\.sh trixie/);
    expect((await builder.planApiImage()).present).toBe(false);
  });
});
