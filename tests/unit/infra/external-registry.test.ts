/** The program with an external registry, `skipPush` and the API's image from the factory: no registry of ours, images not pushed. */

import { functionNameForImage } from '../../../factory/nuclio';
import type { RecordedResource } from './pulumi-mocks';
import { DASHBOARD_TOKEN, envOf, ofType as ofTypeIn, one, runStack } from './stack-fixtures';

const API_IMAGE = `registry.example.org/codering/api:0.1.0-abcdef012345@sha256:${'c'.repeat(64)}`;
let resources: RecordedResource[] = [];
const ofType = (type: string) => ofTypeIn(resources, type);

beforeAll(async () => {
  resources = await runStack(
    {
      registryPassword: 'external-password',
      dashboardToken: DASHBOARD_TOKEN,
      registry: JSON.stringify({ mode: 'external', pushServer: 'registry.example.org', pullServer: 'registry.example.org' }),
      skipPush: 'true',
      runtimes: JSON.stringify([
        { id: 'php@8.2.7', image: 'codering/php:8.2.7-00000000000a', context: 'build/php', dockerfile: 'Dockerfile' },
        { id: 'python@3.11.2', image: 'codering/python:3.11.2-3f83798b1ac3', context: 'build/python', dockerfile: 'Dockerfile' },
      ]),
      api: JSON.stringify({ image: API_IMAGE }),
      nuclio: JSON.stringify({ authVerificationUrl: 'https://sso.example.org/nuclio/verify' }),
      createNamespaces: 'false',
    },
    ['registryPassword', 'dashboardToken'],
  );
}, 30_000);

it('deploys no registry, no namespace, no verifier, and needs no htpasswd', () => {
  expect(ofType('kubernetes:core/v1:PersistentVolumeClaim')).toHaveLength(0);
  expect(ofType('kubernetes:core/v1:Namespace')).toHaveLength(0);
  expect(ofType('kubernetes:apps/v1:Deployment').map((d) => d.name)).toEqual(['registry-api-deployment']);
  expect(ofType('kubernetes:core/v1:Secret').map((s) => s.name).sort()).toEqual([
    'registry-api-credentials',
    'registry-pull-0',
    'registry-pull-1',
  ]);
});

it('points the dashboard`s authentication at the operator`s verifier', () => {
  const [release] = ofType('kubernetes:helm.sh/v3:Release');
  expect(release?.inputs.values.dashboard.authConfig.iguazio.sessionVerificationURL).toBe('https://sso.example.org/nuclio/verify');
});

it('names images after the external registry and runs them by name when not pushed', () => {
  const [image] = ofType('docker:index/image:Image');
  expect(image?.inputs.imageName).toBe('registry.example.org/codering/php-nuclio:8.2.7-00000000000a');
  expect(image?.inputs.skipPush).toBe(true);
  const [fn] = ofType('kubernetes:nuclio.io/v1beta1:NuclioFunction');
  expect(fn?.inputs.metadata.name).toBe('codering-php-8-2-7-00000000000a');
  expect(fn?.inputs.spec.image).toBe('registry.example.org/codering/php-nuclio:8.2.7-00000000000a');
});

it('names a function as the API will, from the content-tagged image', () => {
  const names = ofType('kubernetes:nuclio.io/v1beta1:NuclioFunction').map((f) => f.inputs.metadata.name);
  expect(names).toContain(functionNameForImage('127.0.0.1:5000/codering/python:3.11.2-3f83798b1ac3'));
});

it('runs the API`s image as the factory pushed it, and lets the API reach the external registry over HTTPS', () => {
  const [container] = one(resources, 'kubernetes:apps/v1:Deployment', 'registry-api-deployment').inputs.spec.template.spec.containers;
  expect(container.image).toBe(API_IMAGE);
  expect(envOf(container)).toMatchObject({ CODERING_REGISTRY: 'registry.example.org', CODERING_REGISTRY_SCHEME: 'https' });
});
