/**
 * The Nuclio platform against the real proxy: a runtime image run the way Nuclio's shell runtime runs
 * it, one `docker run -i … --once` per event. The image is the factory's python runtime (built on
 * first use, cached by content after), never whatever image happens to carry a python label.
 */

import { NuclioPlatform } from '../../../registry-api/platform/nuclio';
import type { WorkerRequest } from '../../../registry-api/platform';
import { runtimeImage } from '../support';
import { startShellRuntime, type ShellRuntimeServer } from './shell-runtime-server';

jest.setTimeout(20 * 60_000);

let image: string;

const limits = {
  wallMs: 5000,
  cpuMs: 5000,
  compileWallMs: 10_000,
  memoryBytes: 128 * 1024 * 1024,
  outputBytes: 65536,
  processes: 32,
  fileBytes: 1 << 20,
};

describe('NuclioPlatform with the real proxy behind a shell-runtime stand-in', () => {
  let runtime: ShellRuntimeServer;
  let platform: NuclioPlatform;

  beforeAll(async () => {
    image = await runtimeImage('python@3.11');
    runtime = await startShellRuntime(image);
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
    const lease = await platform.acquire(image);
    try {
      return await lease.worker.run({ requestId: 'it-1', limits, ...request }, new AbortController().signal);
    } finally {
      lease.release(true);
    }
  }

  it('runs a program and answers the proxy`s result', async () => {
    await platform.warm(image, 1);
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
