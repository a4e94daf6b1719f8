/**
 * Policy tests of the whole program, in-cluster registry: what must hold for every resource,
 * whatever the catalogue holds.
 */

import { validateNuclioFunction } from '../../../factory/nuclio';
import { installMocks, isSecretValue, plainParts, settled, unwrapSecrets, type RecordedResource } from './pulumi-mocks';

const PASSWORD = 's3cret-registry-password';
const HTPASSWD = 'codering:$2y$05$0123456789abcdefghijkuvwxyzABCDEFGHIJKLMNOPQRSTUV';
const RUNTIMES = [
  { id: 'python@3.11.2', context: 'build/runtimes/python-3.11.2', dockerfile: 'Dockerfile' },
  { id: 'node@20.19.0', context: 'build/runtimes/node-20.19.0', dockerfile: 'Dockerfile' },
];

const resources = installMocks(
  {
    registryPassword: PASSWORD,
    registryHtpasswd: HTPASSWD,
    runtimes: JSON.stringify(RUNTIMES),
    maxLimits: JSON.stringify({ wallMs: 20_000, compileWallMs: 60_000, memoryBytes: 512 * 1024 * 1024 }),
  },
  ['registryPassword', 'registryHtpasswd'],
);

const ofType = (type: string): RecordedResource[] => resources.filter((r) => r.type === type);
const one = (type: string, name: string): RecordedResource => {
  const found = resources.find((r) => r.type === type && r.name === name);
  if (found === undefined) throw new Error(`no ${type} ${name}`);
  return found;
};

beforeAll(async () => {
  await import('../../../infra/main');
  await settled(resources);
}, 30_000);

describe('NuclioFunctions', () => {
  const functions = () => ofType('kubernetes:nuclio.io/v1beta1:NuclioFunction');

  it('one per runtime, each valid against our closed schema', () => {
    expect(functions().map((f) => f.inputs.metadata.name).sort()).toEqual([
      'codering-node-20-19-0',
      'codering-python-3-11-2',
    ]);
    for (const f of functions()) expect(() => validateNuclioFunction(f.inputs)).not.toThrow();
  });

  it('are picked up by the controller, in an existing project', () => {
    const [project] = ofType('kubernetes:nuclio.io/v1beta1:NuclioProject');
    for (const f of functions()) {
      expect(f.inputs.status).toEqual({ state: 'waitingForResourceConfiguration' });
      expect(f.inputs.metadata.labels['nuclio.io/project-name']).toBe(project?.inputs.metadata.name);
      expect(f.inputs.metadata.namespace).toBe(project?.inputs.metadata.namespace);
      expect(f.inputs.metadata.annotations['pulumi.com/waitFor']).toBe('jsonpath={.status.state}=ready');
    }
  });

  it('fail fast when busy and outlast the longest run', () => {
    for (const f of functions()) {
      const { http } = f.inputs.spec.triggers;
      expect(http.kind).toBe('http');
      expect(http.workerAvailabilityTimeoutMilliseconds).toBe(0);
      const seconds = Number(/^(\d+)s$/.exec(f.inputs.spec.eventTimeout)?.[1]);
      expect(seconds * 1000).toBeGreaterThan(20_000 + 60_000);
    }
  });

  it('run the pushed digest, pulled with the pull Secret', () => {
    for (const f of functions()) {
      expect(f.inputs.spec.image).toMatch(/^127\.0\.0\.1:30500\/codering\/[a-z]+@sha256:[0-9a-f]{64}$/);
      expect(f.inputs.spec.imagePullSecrets).toBe('codering-registry');
    }
  });

  it('give the program only memory-backed, bounded /box and /tmp', () => {
    for (const f of functions()) {
      const mounts = Object.fromEntries(
        f.inputs.spec.volumes.map((v: { volume: { emptyDir: unknown }; volumeMount: { mountPath: string } }) => [
          v.volumeMount.mountPath,
          v.volume.emptyDir,
        ]),
      );
      expect(Object.keys(mounts).sort()).toEqual(['/box', '/tmp']);
      for (const emptyDir of Object.values(mounts)) expect(emptyDir).toMatchObject({ medium: 'Memory', sizeLimit: expect.any(String) });
    }
  });

  it('get their container hardened: all capabilities dropped but SETUID, SETGID, KILL; no escalation; read-only root', () => {
    for (const f of functions()) {
      const patch = one('kubernetes:apps/v1:DeploymentPatch', `runtime-functions-${f.inputs.metadata.name}-hardening`);
      expect(patch.inputs.metadata).toMatchObject({ name: `nuclio-${f.inputs.metadata.name}`, namespace: f.inputs.metadata.namespace });
      const [container] = patch.inputs.spec.template.spec.containers;
      expect(container.name).toBe('nuclio');
      expect(container.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'], add: ['SETUID', 'SETGID', 'KILL'] },
      });
    }
  });
});

describe('the Nuclio Helm release', () => {
  it('comes from the official chart and repository, and pulls from our registry with our Secret', () => {
    const [release] = ofType('kubernetes:helm.sh/v3:Release');
    expect(release?.inputs).toMatchObject({
      chart: 'nuclio',
      repositoryOpts: { repo: 'https://nuclio.github.io/nuclio/charts' },
      namespace: 'nuclio',
    });
    expect(release?.inputs.values.registry).toEqual({ pushPullUrl: '127.0.0.1:30500', secretName: 'codering-registry' });
    expect(release?.inputs.values.dashboard.containerBuilderKind).toBe('kaniko');
  });
});

describe('runtime images', () => {
  it('are built from the rendered contexts and pushed to the configured registry', () => {
    const images = ofType('docker:index/image:Image');
    expect(images).toHaveLength(2);
    for (const image of images) {
      expect(image.inputs.imageName).toMatch(/^127\.0\.0\.1:30500\/codering\/(python|node):\d+\.\d+\.\d+$/);
      expect(image.inputs.skipPush).toBe(false);
      expect(image.inputs.build.dockerfile).toMatch(/build\/runtimes\/[a-z]+-[\d.]+\/Dockerfile$/);
      expect(unwrapSecrets(image.inputs.registry)).toEqual({ server: '127.0.0.1:30500', username: 'codering', password: PASSWORD });
    }
  });

  it('get the registry password as a secret', () => {
    for (const image of ofType('docker:index/image:Image')) expect(isSecretValue(image.inputs.registry)).toBe(true);
  });
});

describe('credentials', () => {
  it('never appear in plain text in any resource', () => {
    for (const resource of resources) {
      const plain = JSON.stringify(plainParts(resource.inputs));
      expect(plain).not.toContain(PASSWORD);
      expect(plain).not.toContain(HTPASSWD);
      expect(plain).not.toContain(Buffer.from(`codering:${PASSWORD}`).toString('base64'));
    }
  });

  it('reach the pods only through Secrets', () => {
    const secrets = ofType('kubernetes:core/v1:Secret');
    expect(secrets.map((s) => s.name).sort()).toEqual([
      'registry-api-credentials',
      'registry-htpasswd',
      'registry-pull-0',
      'registry-pull-1',
    ]);
    const pull = one('kubernetes:core/v1:Secret', 'registry-pull-0');
    expect(pull.inputs.type).toBe('kubernetes.io/dockerconfigjson');
    expect(isSecretValue(pull.inputs.stringData)).toBe(true);
    const stringData = unwrapSecrets(pull.inputs.stringData) as Record<string, string>;
    const config = JSON.parse(String(stringData['.dockerconfigjson']));
    expect(config.auths['127.0.0.1:30500']).toMatchObject({ username: 'codering', password: PASSWORD });
  });
});

describe('the registry API', () => {
  const api = () => one('kubernetes:apps/v1:Deployment', 'registry-api-deployment');

  it('runs on the nuclio platform with probes on /healthz and /readyz', () => {
    const [container] = api().inputs.spec.template.spec.containers;
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    const env = Object.fromEntries(container.env.map((e: { name: string; value?: string }) => [e.name, e.value]));
    expect(env).toMatchObject({
      CODERING_PLATFORM: 'nuclio',
      CODERING_NUCLIO_DASHBOARD_URL: 'http://nuclio-dashboard.nuclio.svc.cluster.local:8070',
      CODERING_NUCLIO_NAMESPACE: 'nuclio',
      CODERING_NUCLIO_PROJECT: 'codering',
      CODERING_NUCLIO_FUNCTION_PREFIX: 'codering-',
      CODERING_DEFAULT_RUNTIMES: 'python@3.11.2,node@20.19.0',
    });
    // The API stops waiting when Nuclio stops the event: the same deadline.
    const [fn] = ofType('kubernetes:nuclio.io/v1beta1:NuclioFunction');
    expect(Number(env.CODERING_NUCLIO_INVOKE_TIMEOUT_MS) / 1000).toBe(Number(fn?.inputs.spec.eventTimeout.replace('s', '')));
    const password = container.env.find((e: { name: string }) => e.name === 'CODERING_REGISTRY_PASSWORD');
    expect(password.valueFrom.secretKeyRef).toMatchObject({ key: 'registryPassword' });
  });

  it('runs as non-root, read-only, without privilege escalation or capabilities', () => {
    const { spec } = api().inputs.spec.template;
    expect(spec.securityContext.runAsNonRoot).toBe(true);
    const [container] = spec.containers;
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
  });
});

describe('every Kubernetes object', () => {
  it('carries app.kubernetes.io/part-of: codering-x', () => {
    const objects = resources.filter((r) => r.type.startsWith('kubernetes:') && r.type !== 'kubernetes:helm.sh/v3:Release');
    expect(objects.length).toBeGreaterThan(10);
    for (const object of objects) {
      expect([object.name, object.inputs.metadata.labels?.['app.kubernetes.io/part-of']]).toEqual([object.name, 'codering-x']);
    }
  });

  it('has no container that may escalate privileges', () => {
    for (const deployment of ofType('kubernetes:apps/v1:Deployment')) {
      for (const container of deployment.inputs.spec.template.spec.containers) {
        expect([deployment.name, container.securityContext?.allowPrivilegeEscalation]).toEqual([deployment.name, false]);
      }
    }
  });
});
