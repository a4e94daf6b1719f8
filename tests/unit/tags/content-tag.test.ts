/**
 * Content tags: the same inputs give the same tag (on any machine, in any order), and each kind of
 * change that makes a different image gives a different one.
 */
import type { ContextFile } from '../../../factory/engine';
import { parseLibrarySpecs } from '../../../factory/libraries';
import { contentHash, contentTagOf, parseImageReference, renderBase, renderExercise, renderRuntime } from '../../../factory';
import type { ProxySourceFile } from '../../../proxy';
import { NODE, PROXY_SOURCES, PYTHON, resolved } from '../templates';

const ROOT_ID = 'sha256:91da954f816b0000000000000000000000000000000000000000000000000000';
const BASE_ID = 'sha256:f0b78329eee20000000000000000000000000000000000000000000000000000';
const RUNTIME_ID = 'sha256:400aa2bc32e10000000000000000000000000000000000000000000000000000';
const node = resolved(NODE);

function baseTag(options: { proxy?: ProxySourceFile[]; rootId?: string; suite?: 'bookworm' | 'trixie' } = {}): string {
  const image = renderBase({ suite: options.suite ?? 'bookworm', proxySources: options.proxy ?? PROXY_SOURCES });
  return contentHash({ dockerfile: image.dockerfile, files: image.files, parentId: options.rootId ?? ROOT_ID });
}

function runtimeTag(runtime = node, baseId = BASE_ID): string {
  const image = renderRuntime({ runtime, baseImage: 'codering/base:bookworm-0123456789ab' });
  return contentHash({ dockerfile: image.dockerfile, files: image.files, parentId: baseId });
}

function exerciseTag(specs: string[], certificates: ContextFile[] = [], runtimeId = RUNTIME_ID): string {
  const image = renderExercise({
    runtime: node,
    runtimeImage: 'codering/node:18.20.4-0123456789ab',
    libraries: parseLibrarySpecs(node.definition, specs),
    buildCertificates: certificates,
  });
  return contentHash({ dockerfile: image.dockerfile, files: image.files, parentId: runtimeId });
}

describe('content tags', () => {
  test('are 12 hex digits, and stable: same input, same tag', () => {
    expect(baseTag()).toMatch(/^[0-9a-f]{12}$/);
    expect(baseTag()).toBe(baseTag());
    expect(runtimeTag()).toBe(runtimeTag());
    expect(exerciseTag(['lodash@4'])).toBe(exerciseTag(['lodash@4']));
  });

  test('do not depend on the order or spelling of the libraries asked', () => {
    expect(exerciseTag(['lodash@4', 'apt:jq'])).toBe(exerciseTag(['apt:jq', 'lodash@4']));
  });

  test('change with any of the proxy sources, the root image, the suite', () => {
    // one file of the proxy edited (a .c, then a header), one added: each is a different proxy
    const edited = (name: string): ProxySourceFile[] =>
      PROXY_SOURCES.map((file) => (file.name === name ? { name, content: Buffer.concat([file.content, Buffer.from('/* edited */\n')]) } : file));
    const tags = [
      baseTag(),
      baseTag({ proxy: edited('main.c') }),
      baseTag({ proxy: edited('stand-in.h') }),
      baseTag({ proxy: [...PROXY_SOURCES, { name: 'more.c', content: Buffer.from('int more;\n') }] }),
      baseTag({ rootId: 'sha256:another-root' }),
      baseTag({ suite: 'trixie' }),
    ];
    expect(new Set(tags).size).toBe(tags.length);
  });

  test('change with the packages, runtime.sh, the version and the base image', () => {
    const otherPackages = { ...node, entry: { ...node.entry, packages: ['nodejs', 'libatomic1'] } };
    const otherScript = { ...node, definition: { ...node.definition, runtimeScript: `${node.definition.runtimeScript}# edited\n` } };
    const tags = [runtimeTag(), runtimeTag(otherPackages), runtimeTag(otherScript), runtimeTag(resolved(PYTHON)), runtimeTag(node, 'sha256:rebuilt-base')];
    expect(new Set(tags).size).toBe(tags.length);
  });

  test('change with each library, its version, and the runtime image', () => {
    const tags = [
      exerciseTag(['lodash@4']),
      exerciseTag(['lodash@3']),
      exerciseTag(['lodash@4', 'left-pad']),
      exerciseTag(['lodash@4', 'apt:jq']),
      exerciseTag(['lodash@4'], [], 'sha256:rebuilt-runtime'),
    ];
    expect(new Set(tags).size).toBe(tags.length);
  });

  test('change when a file is renamed, re-moded, or its bytes move between files', () => {
    const tag = (files: ContextFile[]) => contentHash({ dockerfile: 'FROM x\n', files, parentId: ROOT_ID });
    const tags = [
      tag([{ name: 'a', content: 'xy' }, { name: 'b', content: '' }]),
      tag([{ name: 'a', content: 'x' }, { name: 'b', content: 'y' }]),
      tag([{ name: 'c', content: 'xy' }, { name: 'b', content: '' }]),
      tag([{ name: 'a', content: 'xy', mode: 0o755 }, { name: 'b', content: '' }]),
    ];
    expect(new Set(tags).size).toBe(tags.length);
    // …but not with the order the files are listed in.
    expect(tag([{ name: 'b', content: '' }, { name: 'a', content: 'xy' }])).toBe(tags[0]);
  });

  test('ignore the build environment: CAs a builder stage trusts do not make another image', () => {
    const ca = { name: 'proxy-ca.crt', content: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' };
    expect(exerciseTag(['lodash@4'], [ca])).toBe(exerciseTag(['lodash@4']));
  });

  test('name images by tier, language and version', () => {
    expect(contentTagOf('3.11.2', 'abcdef012345')).toBe('3.11.2-abcdef012345');
    expect(renderRuntime({ runtime: node, baseImage: 'b' }).repository).toBe('codering/node');
    expect(renderBase({ suite: 'bookworm', proxySources: PROXY_SOURCES }).repository).toBe('codering/base');
  });
});

describe('image references', () => {
  test('split the tag after the last slash, so a registry port is not a tag', () => {
    expect(parseImageReference('127.0.0.1:5000/codering/base:bookworm-0123456789ab')).toEqual({
      registry: '127.0.0.1:5000',
      path: 'codering/base',
      tag: 'bookworm-0123456789ab',
      digest: '',
    });
    expect(parseImageReference('127.0.0.1:5000/codering/base')).toEqual({ registry: '127.0.0.1:5000', path: 'codering/base', tag: '', digest: '' });
    expect(parseImageReference('codering/debian:trixie')).toEqual({ registry: '', path: 'codering/debian', tag: 'trixie', digest: '' });
    expect(parseImageReference('localhost/x@sha256:ab')).toEqual({ registry: 'localhost', path: 'x', tag: '', digest: 'sha256:ab' });
  });
});
