/** The program with an external registry and `skipPush`: no registry of ours, images not pushed. */

import { functionNameForImage } from '../../../factory/nuclio';
import { installMocks, settled, type RecordedResource } from './pulumi-mocks';

const resources = installMocks(
  {
    registryPassword: 'external-password',
    registry: JSON.stringify({ mode: 'external', pushServer: 'registry.example.org', pullServer: 'registry.example.org' }),
    skipPush: 'true',
    runtimes: JSON.stringify([
      { id: 'php@8.2.7', context: 'build/php', dockerfile: 'Dockerfile' },
      { id: 'python@3.11.2', context: 'build/python', dockerfile: 'nuclio.Dockerfile', tag: '3.11.2-3f83798b1ac3' },
    ]),
    createNamespaces: 'false',
  },
  ['registryPassword'],
);

const ofType = (type: string): RecordedResource[] => resources.filter((r) => r.type === type);

beforeAll(async () => {
  await import('../../../infra/main');
  await settled(resources);
}, 30_000);

it('deploys no registry, no namespace, and needs no htpasswd', () => {
  expect(ofType('kubernetes:core/v1:PersistentVolumeClaim')).toHaveLength(0);
  expect(ofType('kubernetes:core/v1:Namespace')).toHaveLength(0);
  expect(ofType('kubernetes:apps/v1:Deployment').map((d) => d.name)).toEqual(['registry-api-deployment']);
  expect(ofType('kubernetes:core/v1:Secret').map((s) => s.name).sort()).toEqual([
    'registry-api-credentials',
    'registry-pull-0',
    'registry-pull-1',
  ]);
});

it('names images after the external registry and runs them by name when not pushed', () => {
  const [image] = ofType('docker:index/image:Image');
  expect(image?.inputs.imageName).toBe('registry.example.org/codering/php:8.2.7');
  expect(image?.inputs.skipPush).toBe(true);
  const [fn] = ofType('kubernetes:nuclio.io/v1beta1:NuclioFunction');
  expect(fn?.inputs.metadata.name).toBe('codering-php-8-2-7');
  expect(fn?.inputs.spec.image).toBe('registry.example.org/codering/php:8.2.7');
});

it('tags an image with the factory`s content tag when given, and names its function as the API will', () => {
  const images = ofType('docker:index/image:Image').map((i) => i.inputs.imageName);
  expect(images).toContain('registry.example.org/codering/python:3.11.2-3f83798b1ac3');
  const names = ofType('kubernetes:nuclio.io/v1beta1:NuclioFunction').map((f) => f.inputs.metadata.name);
  expect(names).toContain(functionNameForImage('127.0.0.1:5000/codering/python:3.11.2-3f83798b1ac3'));
});

it('lets the API reach the external registry over HTTPS', () => {
  const [api] = ofType('kubernetes:apps/v1:Deployment');
  const env = Object.fromEntries(api?.inputs.spec.template.spec.containers[0].env.map((e: { name: string; value?: string }) => [e.name, e.value]));
  expect(env).toMatchObject({ CODERING_REGISTRY: 'registry.example.org', CODERING_REGISTRY_SCHEME: 'https' });
});
