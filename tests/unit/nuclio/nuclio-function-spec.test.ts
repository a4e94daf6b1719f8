import {
  NUCLIO_CONTAINER_NAME,
  eventTimeoutMs,
  nuclioFunctionSpec,
  nuclioProjectSpec,
  functionNameForImage,
  processorDeploymentPatch,
  quantityToBytes,
  validateNuclioFunction,
  type NuclioFunctionOptions,
} from '../../../factory/nuclio';
import { isCoderingError } from '../../../errors';

const MiB = 1024 * 1024;

const SERVED = 'registry:5000/codering/python:3.11.2-3f83798b1ac3';

const options: NuclioFunctionOptions = {
  servedImage: SERVED,
  namespace: 'codering',
  projectName: 'codering',
  image: `registry:5000/codering/python-nuclio@sha256:${'b'.repeat(64)}`,
  runtimeId: 'python@3.11.2',
  limits: { wallMs: 20_000, compileWallMs: 60_000, memoryBytes: 512 * MiB },
  replicas: { min: 2, max: 4 },
};

function durationMs(duration: string): number {
  const match = /^(\d+)s$/.exec(duration);
  if (match === null) throw new Error(`unexpected duration ${duration}`);
  return Number(match[1]) * 1000;
}

describe('nuclioFunctionSpec', () => {
  const body = nuclioFunctionSpec(options);

  it('is a raw CR the controller picks up, in our project', () => {
    expect(body.apiVersion).toBe('nuclio.io/v1beta1');
    expect(body.kind).toBe('NuclioFunction');
    expect(body.status.state).toBe('waitingForResourceConfiguration');
    expect(body.metadata.labels['nuclio.io/project-name']).toBe('codering');
    expect(body.metadata.labels['app.kubernetes.io/part-of']).toBe('codering-x');
    expect(body.metadata.annotations['codering.org/runtime-id']).toBe('python@3.11.2');
  });

  it('is named from the image the API runs, by the one naming function, and says which image that is', () => {
    expect(body.metadata.name).toBe(functionNameForImage(SERVED));
    expect(body.metadata.name).toBe('codering-python-3-11-2-3f83798b1ac3');
    expect(nuclioFunctionSpec({ ...options, functionPrefix: 'x-' }).metadata.name).toBe('x-python-3-11-2-3f83798b1ac3');
    expect(body.metadata.annotations['codering.org/image']).toBe('codering/python:3.11.2-3f83798b1ac3');
    expect(body.metadata.labels).toMatchObject({ 'codering.org/content-tag': '3.11.2-3f83798b1ac3', 'codering.org/image-name': 'python' });
  });

  it('waits long enough for a first pull of a large image, and runs under the given service account', () => {
    expect(body.spec.readinessTimeoutSeconds).toBeGreaterThanOrEqual(600);
    expect(body.spec.serviceAccount).toBeUndefined();
    const custom = nuclioFunctionSpec({ ...options, readinessTimeoutSeconds: 900, serviceAccount: 'codering-function' });
    expect(custom.spec).toMatchObject({ readinessTimeoutSeconds: 900, serviceAccount: 'codering-function' });
  });

  it('runs the pre-built image with the shell runtime, no build', () => {
    expect(body.spec.runtime).toBe('shell');
    expect(body.spec.handler).toBe('handler.sh:main');
    expect(body.spec.image).toBe(options.image);
    expect(body.spec.build).toEqual({ codeEntryType: 'image', image: options.image, noBaseImagesPull: true });
  });

  it('fails fast when busy and lets the proxy time out first', () => {
    expect(body.spec.triggers.http).toMatchObject({ kind: 'http', numWorkers: 1, workerAvailabilityTimeoutMilliseconds: 0 });
    const timeout = durationMs(body.spec.eventTimeout);
    expect(timeout).toBeGreaterThan(options.limits.wallMs + options.limits.compileWallMs);
    expect(timeout).toBe(eventTimeoutMs(options.limits, 5000));
  });

  it('gives /box and /tmp memory-backed, bounded emptyDirs and room for them in the memory limit', () => {
    const mounts = body.spec.volumes.map((v) => [v.volumeMount.mountPath, v.volume.emptyDir.medium]);
    expect(mounts).toEqual([
      ['/box', 'Memory'],
      ['/tmp', 'Memory'],
    ]);
    const tmpfs = body.spec.volumes.reduce((sum, v) => sum + quantityToBytes(v.volume.emptyDir.sizeLimit), 0);
    expect(quantityToBytes(body.spec.resources.limits.memory)).toBeGreaterThanOrEqual(512 * MiB + tmpfs);
    expect(body.spec.resources.requests).toEqual(body.spec.resources.limits);
  });

  it('refuses a memory limit one run could exceed', () => {
    expect(() => nuclioFunctionSpec({ ...options, memory: '512Mi' })).toThrow(/below/);
    expect(nuclioFunctionSpec({ ...options, memory: '2Gi' }).spec.resources.limits.memory).toBe('2Gi');
  });

  it('runs non-root, with only pod-level security keys Nuclio understands', () => {
    expect(body.spec.securityContext).toEqual({
      runAsUser: 1000,
      runAsGroup: 1000,
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  it('rejects images that give no name, and bad replica ranges', () => {
    expect(() => nuclioFunctionSpec({ ...options, servedImage: 'registry:5000/' })).toThrow(/not an image reference/);
    expect(() => nuclioFunctionSpec({ ...options, replicas: { min: 3, max: 1 } })).toThrow(/minReplicas/);
  });
});

describe('the closed schema', () => {
  const body = nuclioFunctionSpec(options);

  it('rejects a misspelled key that Kubernetes would silently accept', () => {
    const typo = structuredClone(body) as unknown as { spec: { triggers: { http: Record<string, unknown> } } };
    typo.spec.triggers.http.numWorker = 2;
    let caught: unknown;
    try {
      validateNuclioFunction(typo);
    } catch (error) {
      caught = error;
    }
    expect(isCoderingError(caught) && caught.code).toBe('internal');
    expect(String((caught as Error).message)).toMatch(/unknown key "numWorker"/);
  });

  it('rejects container-level keys in the pod security context', () => {
    const wrong = structuredClone(body) as unknown as { spec: { securityContext: Record<string, unknown> } };
    wrong.spec.securityContext.allowPrivilegeEscalation = false;
    expect(() => validateNuclioFunction(wrong)).toThrow(/allowPrivilegeEscalation/);
  });

  it('rejects root', () => {
    const root = structuredClone(body) as unknown as { spec: { securityContext: Record<string, unknown> } };
    root.spec.securityContext.runAsUser = 0;
    expect(() => validateNuclioFunction(root)).toThrow(/runAsUser/);
  });

  it('rejects a missing project label and a wrong state', () => {
    const noLabel = structuredClone(body) as unknown as { metadata: { labels: Record<string, string> } };
    delete noLabel.metadata.labels['nuclio.io/project-name'];
    expect(() => validateNuclioFunction(noLabel)).toThrow(/project-name/);
    const ready = structuredClone(body) as unknown as { status: { state: string } };
    ready.status.state = 'ready';
    expect(() => validateNuclioFunction(ready)).toThrow(/status/);
  });

  it('validates the project too', () => {
    expect(nuclioProjectSpec({ name: 'codering', namespace: 'codering' }).metadata.labels).toEqual({
      'app.kubernetes.io/part-of': 'codering-x',
    });
    expect(() => nuclioProjectSpec({ name: 'Bad Name', namespace: 'codering' })).toThrow(/invalid NuclioProject/);
  });
});

describe('processorDeploymentPatch', () => {
  it('keeps only the proxy file’s capabilities, runs non-root and read-only, mounts no token, on the Deployment Nuclio creates', () => {
    const patch = processorDeploymentPatch('codering-python-3-11-2', 'codering');
    expect(patch.metadata.name).toBe('nuclio-codering-python-3-11-2');
    expect(patch.spec.template.spec.automountServiceAccountToken).toBe(false);
    expect(patch.spec.template.spec.hostUsers).toBeUndefined();
    const [container] = patch.spec.template.spec.containers;
    expect(container?.name).toBe(NUCLIO_CONTAINER_NAME);
    expect(container?.securityContext).toEqual({
      runAsUser: 1000,
      runAsGroup: 1000,
      runAsNonRoot: true,
      allowPrivilegeEscalation: true,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'], add: ['SETUID', 'SETGID', 'KILL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  it('gives each pod a user namespace when asked', () => {
    const patch = processorDeploymentPatch('codering-python-3-11-2', 'codering', { userNamespaces: true });
    expect(patch.spec.template.spec.hostUsers).toBe(false);
  });
});
