/**
 * The Nuclio platform against the real proxy: a runtime image run the way Nuclio's shell runtime runs
 * it, one `docker run -i … --once` per event. Needs a built runtime image (`npx codering build
 * python@3.11`); without one the test is skipped with a message, never faked.
 */

import { execFileSync } from 'node:child_process';
import { NuclioPlatform } from '../../../registry-api/platform/nuclio';
import type { WorkerRequest } from '../../../registry-api/platform';
import { startShellRuntime, type ShellRuntimeServer } from './shell-runtime-server';

/** A local python runtime image, by the factory's labels (`org.codering.layer=runtime`). */
function findPythonRuntimeImage(): string | undefined {
  try {
    const lines = execFileSync(
      'docker',
      ['images', '--filter', 'label=org.codering.layer=runtime', '--filter', 'label=org.codering.language=python', '--format', '{{.Repository}}:{{.Tag}}'],
      { encoding: 'utf8', timeout: 20_000 },
    );
    return lines.split('\n').find((line) => line !== '' && !line.includes('<none>'));
  } catch {
    return undefined;
  }
}

const image = findPythonRuntimeImage();
if (image === undefined) {
  console.warn('tests/integration/nuclio skipped: no python runtime image (label org.codering.layer=runtime); run `npx codering build python@3.11` first');
}
const describeWithImage = image === undefined ? describe.skip : describe;

const limits = {
  wallMs: 5000,
  cpuMs: 5000,
  compileWallMs: 10_000,
  memoryBytes: 128 * 1024 * 1024,
  outputBytes: 65536,
  processes: 32,
  fileBytes: 1 << 20,
};

describeWithImage('NuclioPlatform with the real proxy behind a shell-runtime stand-in', () => {
  let runtime: ShellRuntimeServer;
  let platform: NuclioPlatform;

  beforeAll(async () => {
    runtime = await startShellRuntime(String(image));
    platform = new NuclioPlatform({
      namespace: 'codering',
      invokeVia: 'service',
      functionUrlTemplate: runtime.url,
      defaultSlots: 1,
      queueMax: 4,
      acquireTimeoutMs: 60_000,
      runMarginMs: 10_000,
      invokeTimeoutMs: 60_000,
    });
  });

  afterAll(async () => {
    await platform?.close();
    await runtime?.close();
  });

  async function run(request: Omit<WorkerRequest, 'limits' | 'requestId'>) {
    const lease = await platform.acquire(String(image));
    try {
      return await lease.worker.run({ requestId: 'it-1', limits, ...request }, new AbortController().signal);
    } finally {
      lease.release(true);
    }
  }

  it('runs a program and answers the proxy`s result', async () => {
    await platform.warm(String(image), 1);
    const result = await run({
      files: [{ name: 'main.py', content: 'import sys\nprint("hello", input(), sys.argv[1:])\n' }],
      main: 'main.py',
      stdin: 'nuclio\n',
      args: ['a', 'b'],
    });
    expect(result.status).toBe('ok');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe("hello nuclio ['a', 'b']\n");
  }, 120_000);

  it('reports the user`s failure as a result, not a worker failure', async () => {
    const result = await run({
      files: [{ name: 'main.py', content: 'import sys\nsys.stderr.write("boom\\n")\nsys.exit(3)\n' }],
      main: 'main.py',
      stdin: '',
      args: [],
    });
    expect(result.status).toBe('runtime_error');
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain('boom');
  }, 120_000);
});
