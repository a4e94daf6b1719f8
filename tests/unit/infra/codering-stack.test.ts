/**
 * Policy tests of the whole program, in-cluster registry, the API built here: what must hold for every
 * resource, whatever the catalogue holds.
 */

import { validateNuclioFunction, type NuclioFunctionResource, type ProcessorDeploymentPatch } from '../../../factory/nuclio';
import { isSecretValue, plainParts, unwrapSecrets, type RecordedResource } from './pulumi-mocks';
import { nuclioDeploymentOf, nuclioPodLabels } from './nuclio-deployment-model';
import {
  DASHBOARD_TOKEN,
  FUNCTION_TYPE,
  HTPASSWD,
  PASSWORD,
  envOf,
  inClusterConfig,
  ofType as ofTypeIn,
  one as oneIn,
  runStack,
} from './stack-fixtures';

let resources: RecordedResource[] = [];
const ofType = (type: string) => ofTypeIn(resources, type);
const one = (type: string, name: string) => oneIn(resources, type, name);
const functions = () => ofType(FUNCTION_TYPE);
const patchOf = (fn: RecordedResource) => one('kubernetes:apps/v1:DeploymentPatch', `runtime-functions-${fn.inputs.metadata.name}-hardening`);
/** The Deployment Nuclio will make of a function, our patch merged. */
const deploymentOf = (fn: RecordedResource) =>
  nuclioDeploymentOf(fn.inputs as NuclioFunctionResource, patchOf(fn).inputs as ProcessorDeploymentPatch);

beforeAll(async () => {
  resources = await runStack(inClusterConfig());
}, 30_000);

describe('NuclioFunctions', () => {
  it('one per runtime, named from its content-tagged image, each valid against our closed schema', () => {
    expect(functions().map((f) => f.inputs.metadata.name).sort()).toEqual([
      'codering-node-20-19-0-0123456789ab',
      'codering-python-3-11-2-3f83798b1ac3',
    ]);
    for (const f of functions()) expect(() => validateNuclioFunction(f.inputs)).not.toThrow();
  });

  it('are picked up by the controller, in an existing project, and applied with force so the state can be set back', () => {
    const [project] = ofType('kubernetes:nuclio.io/v1beta1:NuclioProject');
    for (const f of functions()) {
      expect(f.inputs.status).toEqual({ state: 'waitingForResourceConfiguration' });
      expect(f.inputs.metadata.labels['nuclio.io/project-name']).toBe(project?.inputs.metadata.name);
      expect(f.inputs.metadata.namespace).toBe(project?.inputs.metadata.namespace);
      expect(f.inputs.metadata.annotations).toMatchObject({
        'pulumi.com/waitFor': 'jsonpath={.status.state}=ready',
        'pulumi.com/patchForce': 'true',
      });
      // Pulumi waits longer than Nuclio does: Nuclio's verdict comes first.
      expect(Number(f.inputs.metadata.annotations['pulumi.com/timeoutSeconds'])).toBeGreaterThan(f.inputs.spec.readinessTimeoutSeconds);
      expect(f.inputs.metadata.annotations).not.toHaveProperty(['codering.org/redeploy']);
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

  it('run an image with a digest from the configured registry, pulled with the pull Secret', () => {
    for (const f of functions()) {
      expect(f.inputs.spec.image).toMatch(/^127\.0\.0\.1:30500\/codering\/[a-z]+-nuclio@sha256:[0-9a-f]{64}$/);
      expect(f.inputs.spec.imagePullSecrets).toBe('codering-registry');
    }
  });

  it('have resource limits (CPU and memory, requests = limits)', () => {
    for (const f of functions()) {
      const { resources: quantities } = deploymentOf(f).spec.template.spec.containers[0];
      expect(quantities.limits).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
      expect(quantities.requests).toEqual(quantities.limits);
    }
  });

  it('keep at least two replicas (a run races two), and a fixed number without the metrics server', () => {
    for (const f of functions()) {
      expect(f.inputs.spec.minReplicas).toBeGreaterThanOrEqual(2);
      expect(f.inputs.spec.maxReplicas).toBe(f.inputs.spec.minReplicas);
      expect(deploymentOf(f).spec.replicas).toBe(f.inputs.spec.minReplicas);
    }
  });

  it('wait long enough for a first pull of a large image', () => {
    for (const f of functions()) expect(f.inputs.spec.readinessTimeoutSeconds).toBeGreaterThanOrEqual(600);
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

  it('run non-root with only the proxy file’s capabilities in the bounding set, a read-only root and no API token', () => {
    for (const f of functions()) {
      expect(f.inputs.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
      expect(f.inputs.spec.serviceAccount).toBe('codering-function');
      const pod = deploymentOf(f).spec.template.spec;
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(pod.serviceAccountName).toBe('codering-function');
      const [container] = pod.containers;
      expect(container.securityContext).toEqual({
        runAsUser: 1000,
        runAsGroup: 1000,
        runAsNonRoot: true,
        // the proxy's file capabilities run each program under a uid that is not the processor's
        allowPrivilegeEscalation: true,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'], add: ['SETUID', 'SETGID', 'KILL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
    }
    // The service account itself mounts none either: what Nuclio keeps if it re-creates a Deployment.
    const account = one('kubernetes:core/v1:ServiceAccount', 'function-isolation-service-account');
    expect(account.inputs).toMatchObject({ metadata: { name: 'codering-function', namespace: 'nuclio' }, automountServiceAccountToken: false });
  });

  it('are covered by a NetworkPolicy: no egress at all, ingress only from the API and the dashboard on the trigger port', () => {
    const policies = ofType('kubernetes:networking.k8s.io/v1:NetworkPolicy');
    for (const f of functions()) {
      const labels = nuclioPodLabels(f.inputs as NuclioFunctionResource);
      const covering = policies.filter(
        (p) =>
          p.inputs.metadata.namespace === f.inputs.metadata.namespace &&
          Object.entries(p.inputs.spec.podSelector.matchLabels as Record<string, string>).every(([k, v]) => labels[k] === v),
      );
      expect(covering.map((p) => p.inputs.metadata.name)).toEqual(['codering-functions']);
      const [policy] = covering;
      expect(policy?.inputs.spec.policyTypes).toEqual(['Ingress', 'Egress']);
      expect(policy?.inputs.spec.egress).toEqual([]);
      expect(policy?.inputs.spec.ingress).toEqual([
        {
          from: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'codering' } },
              podSelector: { matchLabels: { 'app.kubernetes.io/part-of': 'codering-x', 'app.kubernetes.io/component': 'registry-api' } },
            },
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'nuclio' } },
              podSelector: { matchLabels: { 'nuclio.io/app': 'dashboard' } },
            },
          ],
          ports: [{ protocol: 'TCP', port: 8080 }],
        },
      ]);
    }
    // The API's pods are the ones the policy lets in.
    const api = one('kubernetes:apps/v1:Deployment', 'registry-api-deployment');
    expect(api.inputs.spec.template.metadata.labels).toMatchObject({ 'app.kubernetes.io/component': 'registry-api' });
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

  it('turns the dashboard`s authentication on, checked by our verifier', () => {
    const [release] = ofType('kubernetes:helm.sh/v3:Release');
    const url = 'http://codering-dashboard-auth.nuclio.svc.cluster.local/verify';
    expect(release?.inputs.values.dashboard.authConfig).toMatchObject({
      kind: 'iguazio',
      iguazio: { sessionVerificationURL: url, sessionVerificationDataEnrichmentURL: url },
    });
    const verifier = one('kubernetes:apps/v1:Deployment', 'dashboard-auth-deployment');
    const [container] = verifier.inputs.spec.template.spec.containers;
    expect(container.command.slice(0, 2)).toEqual(['node', '-e']);
    expect(container.image).toMatch(/^127\.0\.0\.1:30500\/codering\/api@sha256:/);
    expect(container.env.find((e: { name: string }) => e.name === 'DASHBOARD_TOKEN').valueFrom.secretKeyRef).toMatchObject({ key: 'token' });
    const policy = one('kubernetes:networking.k8s.io/v1:NetworkPolicy', 'dashboard-auth-policy');
    expect(policy.inputs.spec.ingress[0].from).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'nuclio' } }, podSelector: { matchLabels: { 'nuclio.io/app': 'dashboard' } } },
    ]);
    expect(policy.inputs.spec.egress).toEqual([]);
  });

  it('has its dashboard reachable only from the API', () => {
    const policy = one('kubernetes:networking.k8s.io/v1:NetworkPolicy', 'function-isolation-dashboard');
    expect(policy.inputs.spec).toMatchObject({ podSelector: { matchLabels: { 'nuclio.io/app': 'dashboard' } }, policyTypes: ['Ingress'] });
    expect(policy.inputs.spec.ingress).toEqual([
      {
        from: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'codering' } },
            podSelector: { matchLabels: { 'app.kubernetes.io/part-of': 'codering-x', 'app.kubernetes.io/component': 'registry-api' } },
          },
        ],
        ports: [{ protocol: 'TCP', port: 8070 }],
      },
    ]);
  });
});

describe('images', () => {
  it('runtimes: the Nuclio contexts, pushed as codering/<language>-nuclio:<the runtime image`s content tag>', () => {
    const images = ofType('docker:index/image:Image').filter((i) => i.name.startsWith('runtime-images-'));
    expect(images.map((i) => i.inputs.imageName).sort()).toEqual([
      '127.0.0.1:30500/codering/node-nuclio:20.19.0-0123456789ab',
      '127.0.0.1:30500/codering/python-nuclio:3.11.2-3f83798b1ac3',
    ]);
    for (const image of images) {
      expect(image.inputs.skipPush).toBe(false);
      expect(image.inputs.build.dockerfile).toMatch(/build\/nuclio\/[a-z]+-[\d.]+\/Dockerfile$/);
      expect(unwrapSecrets(image.inputs.registry)).toEqual({ server: '127.0.0.1:30500', username: 'codering', password: PASSWORD });
    }
  });

  it('the API: built from its context as codering/api:<tag>, and run by digest', () => {
    const image = one('docker:index/image:Image', 'api-image');
    expect(image.inputs.imageName).toBe('127.0.0.1:30500/codering/api:0.1.0-abcdef012345');
    const [container] = one('kubernetes:apps/v1:Deployment', 'registry-api-deployment').inputs.spec.template.spec.containers;
    expect(container.image).toMatch(/^127\.0\.0\.1:30500\/codering\/api@sha256:[0-9a-f]{64}$/);
  });

  it('get the registry password as a secret', () => {
    for (const image of ofType('docker:index/image:Image')) expect(isSecretValue(image.inputs.registry)).toBe(true);
  });
});

describe('credentials', () => {
  it('never appear in plain text in any resource', () => {
    for (const resource of resources) {
      const plain = JSON.stringify(plainParts(resource.inputs));
      for (const secret of [PASSWORD, HTPASSWD, DASHBOARD_TOKEN, Buffer.from(`codering:${PASSWORD}`).toString('base64')]) {
        expect([resource.name, plain.includes(secret)]).toEqual([resource.name, false]);
      }
    }
  });

  it('reach the pods only through Secrets', () => {
    const secrets = ofType('kubernetes:core/v1:Secret');
    expect(secrets.map((s) => s.name).sort()).toEqual([
      'dashboard-auth-token',
      'registry-api-credentials',
      'registry-htpasswd',
      'registry-pull-0',
      'registry-pull-1',
    ]);
    for (const secret of secrets) expect([secret.name, isSecretValue(secret.inputs.stringData)]).toEqual([secret.name, true]);
    const pull = one('kubernetes:core/v1:Secret', 'registry-pull-0');
    expect(pull.inputs.type).toBe('kubernetes.io/dockerconfigjson');
    const stringData = unwrapSecrets(pull.inputs.stringData) as Record<string, string>;
    const config = JSON.parse(String(stringData['.dockerconfigjson']));
    expect(config.auths['127.0.0.1:30500']).toMatchObject({ username: 'codering', password: PASSWORD });
    expect(unwrapSecrets(one('kubernetes:core/v1:Secret', 'dashboard-auth-token').inputs.stringData)).toEqual({ token: DASHBOARD_TOKEN });
  });
});

describe('the registry API', () => {
  const api = () => one('kubernetes:apps/v1:Deployment', 'registry-api-deployment');

  it('runs on the nuclio platform with probes on /healthz and /readyz, and the dashboard`s token from its Secret', () => {
    const [container] = api().inputs.spec.template.spec.containers;
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    const env = envOf(container);
    expect(env).toMatchObject({
      CODERING_PLATFORM: 'nuclio',
      CODERING_NUCLIO_DASHBOARD_URL: 'http://nuclio-dashboard.nuclio.svc.cluster.local:8070',
      CODERING_NUCLIO_NAMESPACE: 'nuclio',
      CODERING_NUCLIO_PROJECT: 'codering',
      CODERING_NUCLIO_FUNCTION_PREFIX: 'codering-',
      CODERING_DEFAULT_RUNTIMES: 'python@3.11.2,node@20.19.0',
    });
    // The API stops waiting when Nuclio stops the event: the same deadline.
    const [fn] = functions();
    expect(Number(env.CODERING_NUCLIO_INVOKE_TIMEOUT_MS) / 1000).toBe(Number(fn?.inputs.spec.eventTimeout.replace('s', '')));
    const fromSecret = (name: string) => container.env.find((e: { name: string }) => e.name === name).valueFrom.secretKeyRef;
    expect(fromSecret('CODERING_REGISTRY_PASSWORD')).toMatchObject({ key: 'registryPassword' });
    expect(fromSecret('CODERING_NUCLIO_DASHBOARD_TOKEN')).toMatchObject({ name: 'codering-registry-api', key: 'dashboardToken' });
  });

  it('runs as non-root, read-only, without privilege escalation, capabilities or API token', () => {
    const { spec } = api().inputs.spec.template;
    expect(spec.securityContext.runAsNonRoot).toBe(true);
    expect(spec.automountServiceAccountToken).toBe(false);
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

  it('has, in every pod of ours, non-root containers with limits that cannot write their root or use a token, and escalate only in functions', () => {
    const pods = ofType('kubernetes:apps/v1:Deployment').map((d) => [d.name, d.inputs.spec.template.spec] as const);
    pods.push(...functions().map((f) => [f.name, deploymentOf(f).spec.template.spec] as const));
    // registry, dashboard verifier, API; and the two functions
    expect(pods.length).toBe(5);
    for (const [name, pod] of pods) {
      expect([name, pod.automountServiceAccountToken]).toEqual([name, false]);
      for (const container of pod.containers) {
        const security = { ...pod.securityContext, ...container.securityContext };
        // a function's proxy needs its file capabilities (SETUID, SETGID, KILL) to run programs under a
        // uid of their own; nothing else of ours may escalate or keep a capability
        const isFunction = functions().some((f) => f.name === name);
        expect([name, security.runAsNonRoot, security.allowPrivilegeEscalation, security.readOnlyRootFilesystem]).toEqual([name, true, isFunction, true]);
        expect([name, container.securityContext.capabilities]).toEqual([
          name,
          isFunction ? { drop: ['ALL'], add: ['SETUID', 'SETGID', 'KILL'] } : { drop: ['ALL'] },
        ]);
        expect([name, container.resources.limits.memory]).toEqual([name, expect.any(String)]);
      }
    }
  });

  it('lives in namespaces that enforce the Pod Security Standards (restricted where Nuclio does not create pods)', () => {
    const namespaces = Object.fromEntries(
      ofType('kubernetes:core/v1:Namespace').map((n) => [n.inputs.metadata.name, n.inputs.metadata.labels['pod-security.kubernetes.io/enforce']]),
    );
    expect(namespaces).toEqual({ codering: 'restricted', nuclio: 'baseline' });
  });
});
