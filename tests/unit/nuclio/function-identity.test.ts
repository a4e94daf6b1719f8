/**
 * A function says what it serves in its metadata, the same way whoever deploys it (infra's Pulumi
 * program or the API), so that the API reads it back through the dashboard: the runtime id and the
 * served image (infra's), and an exercise's libraries with the image key they make.
 */

import {
  IMAGE_KEY_LABEL,
  LIBRARIES_ANNOTATION,
  RUNTIME_ID_ANNOTATION,
  SERVED_IMAGE_ANNOTATION,
  SKIP_BUILD_ANNOTATION,
  functionNameForImage,
  imageKeyHash,
  imageKeyOf,
  nuclioFunctionSpec,
} from '../../../factory/nuclio';

const spec = (servedImage: string, libraries?: string[]) =>
  nuclioFunctionSpec({
    servedImage,
    namespace: 'nuclio',
    projectName: 'codering',
    image: `registry:5000/codering/python-nuclio@sha256:${'c'.repeat(64)}`,
    runtimeId: 'python@3.11.2',
    ...(libraries === undefined ? {} : { libraries }),
    limits: { wallMs: 5000, compileWallMs: 20_000, memoryBytes: 128 * 1024 * 1024 },
    replicas: { min: 2, max: 2 },
  });

describe('function identity', () => {
  test('the image key is the build jobs` key: runtime id, then the canonical libraries', () => {
    expect(imageKeyOf('python@3.11.2')).toBe('python@3.11.2');
    expect(imageKeyOf('python@3.11.2', ['apt:jq', 'requests==2.31.0'])).toBe('python@3.11.2+apt:jq+requests==2.31.0');
    expect(imageKeyHash('python@3.11.2')).toMatch(/^[0-9a-f]{20}$/);
  });

  test('a runtime`s function: its key label, no libraries annotation, named from the served image', () => {
    const body = spec('registry:5000/codering/python:3.11.2-0123456789ab');
    expect(body.metadata.name).toBe(functionNameForImage('codering/python:3.11.2-0123456789ab'));
    expect(body.metadata.labels[IMAGE_KEY_LABEL]).toBe(imageKeyHash('python@3.11.2'));
    expect(body.metadata.annotations).toEqual({
      [RUNTIME_ID_ANNOTATION]: 'python@3.11.2',
      [SERVED_IMAGE_ANNOTATION]: 'codering/python:3.11.2-0123456789ab',
      // the dashboard would otherwise build around a pre-built image (spec.build.image is set)
      [SKIP_BUILD_ANNOTATION]: 'true',
    });
  });

  test('an exercise`s function: its libraries, exactly, and the key they make', () => {
    const body = spec('registry:5000/codering/python-exercise:3.11.2-fedcba987654', ['apt:jq', 'requests==2.31.0']);
    expect(body.metadata.name).toBe('codering-python-exercise-3-11-2-fedcba987654');
    expect(body.metadata.labels[IMAGE_KEY_LABEL]).toBe(imageKeyHash('python@3.11.2+apt:jq+requests==2.31.0'));
    expect(body.metadata.annotations[LIBRARIES_ANNOTATION]).toBe('apt:jq requests==2.31.0');
  });
});
