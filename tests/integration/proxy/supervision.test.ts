/**
 * Running and supervising a phase, through the binary: exit codes and signals, the wall and CPU
 * limits, the output limit, `cancel`, a compile phase, and a program started in a prewarmed
 * interpreter (the test runtime.sh's `prewarm` waits on fd 3 like one).
 */
import { useProxyHarness } from './proxy-harness';
import { shellRequest, text } from './proxy-requests';

jest.setTimeout(120_000);

const proxy = useProxyHarness();

describe('a cold start', () => {
  test('an exit code other than 0 is a runtime_error with the code and both outputs', async () => {
    const result = await proxy().onceResult(shellRequest('echo out; echo err >&2; exit 7'));
    expect(result).toMatchObject({ status: 'runtime_error', exitCode: 7, signal: null, message: '' });
    expect([text(result.stdout), text(result.stderr)]).toEqual(['out\n', 'err\n']);
  });

  test('a program killed by a signal has the signal\'s name and no exit code', async () => {
    const result = await proxy().onceResult(shellRequest('kill -SEGV $$'));
    expect(result).toMatchObject({ status: 'runtime_error', exitCode: null, signal: 'SIGSEGV' });
  });

  test('past its wall time it is a timeout, ended on time', async () => {
    const result = await proxy().onceResult(shellRequest('echo started; sleep 30', { limits: { wallMs: 1000 } }));
    expect(result).toMatchObject({ status: 'timeout', message: 'the program ran longer than 1000 ms', signal: 'SIGKILL' });
    expect(text(result.stdout)).toBe('started\n');
    expect(result.wallMs).toBeGreaterThanOrEqual(1000);
    expect(result.wallMs).toBeLessThan(3000);
  });

  test('past its CPU time it is a timeout too', async () => {
    const result = await proxy().onceResult(shellRequest('while :; do :; done', { limits: { cpuMs: 1000, wallMs: 20_000 } }));
    expect(result).toMatchObject({ status: 'timeout', message: 'the program used more than 1000 ms of CPU' });
    expect(result.cpuMs).toBeGreaterThanOrEqual(900);
  });

  test('more output than allowed is an output_limit, cut at the limit (both streams count)', async () => {
    const result = await proxy().onceResult(shellRequest('echo to-stderr >&2; yes', { limits: { outputBytes: 1000 } }));
    expect(result).toMatchObject({ status: 'output_limit', message: 'the program wrote more than 1000 bytes', stdoutTruncated: true });
    expect(Buffer.from(String(result.stdout), 'base64').length + Buffer.from(String(result.stderr), 'base64').length).toBe(1000);
  });

  test('a process the program left running does not keep the answer waiting', async () => {
    const result = await proxy().onceResult(shellRequest('sleep 60 > /dev/null 2>&1 & echo left one'));
    expect(result).toMatchObject({ status: 'ok', exitCode: 0 });
    expect(result.wallMs).toBeLessThan(5000);
  });
});

describe('in --serve', () => {
  test('a `cancel` line stops the program: cancelled, then the worker is cleaned', async () => {
    const session = proxy().serve();
    try {
      session.send(shellRequest('echo started; sleep 30'));
      await new Promise((resolve) => setTimeout(resolve, 500));
      session.send('cancel\n');
      const result = await session.frame();
      expect(result).toMatchObject({ status: 'cancelled' });
      expect(result.wallMs).toBeLessThan(5000);
      expect(await session.frame()).toMatchObject({ state: 'clean' });
    } finally {
      await session.close();
    }
  });

  test('a caller that goes away mid-run gets no answer, and the proxy ends', async () => {
    const session = proxy().serve();
    session.send(shellRequest('sleep 30'));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const ended = await session.close();
    expect(ended.code).toBe(0);
    expect(ended.stdout.length).toBe(0);
  });
});

describe('a compiled runtime (CODERING_COMPILED=1)', () => {
  const compiled = { env: { CODERING_COMPILED: '1' } };

  test('compiles before it runs, and says so', async () => {
    const result = await proxy().onceResult(shellRequest('echo ran'), compiled);
    expect(result).toMatchObject({ status: 'ok', compile: { exitCode: 0 } });
    const compile = result.compile as Record<string, unknown>;
    expect(text(compile.stdout)).toBe('compiled main.sh\n');
    expect(text(result.stdout)).toBe('ran\n');
  });

  test('a failed compile is a compile_error with the compiler\'s output; nothing runs', async () => {
    const result = await proxy().onceResult(shellRequest('echo ran', { files: [{ name: 'fail-compile', content: '' }] }), compiled);
    expect(result).toMatchObject({ status: 'compile_error', exitCode: null, stdout: '', compile: { exitCode: 1 }, wallMs: 0 });
    expect(text((result.compile as Record<string, unknown>).stderr)).toBe('cannot compile\n');
  });
});

describe('a prewarmed interpreter (CODERING_PREWARM=1, --serve)', () => {
  // the first interpreter starts with the default limits (5 s of CPU), each next one with the last request's
  const program = (n: number) => `echo "run ${n} prewarmed=$PREWARMED: $*"; cat; exit ${n}`;
  const request = (n: number, cpuMs: number) => shellRequest(program(n), { args: ['a', 'b'], stdin: `stdin ${n}\n`, limits: { cpuMs } });

  test('runs each request with its args, stdin and exit code; other limits start cold', async () => {
    const session = proxy().serve({ env: { CODERING_PREWARM: '1' } });
    try {
      for (const [n, cpuMs, prewarmed] of [[1, 5000, 'yes'], [2, 5000, 'yes'], [3, 4000, ''], [4, 4000, 'yes']] as const) {
        const { result, state } = await session.run(request(n, cpuMs));
        expect(result).toMatchObject({ status: 'runtime_error', exitCode: n });
        expect(text(result.stdout)).toBe(`run ${n} prewarmed=${prewarmed}: a b\nstdin ${n}\n`);
        expect(state).toMatchObject({ state: 'clean' });
      }
    } finally {
      await session.close();
    }
  });

  test('is supervised like a cold start: its wall time counts from the request', async () => {
    const session = proxy().serve({ env: { CODERING_PREWARM: '1' } });
    try {
      await new Promise((resolve) => setTimeout(resolve, 1500)); // the interpreter waits meanwhile
      const { result } = await session.run(shellRequest('echo $PREWARMED; sleep 30', { limits: { wallMs: 1000, cpuMs: 5000 } }));
      expect(result).toMatchObject({ status: 'timeout' });
      expect(text(result.stdout)).toBe('yes\n');
      expect(result.wallMs).toBeLessThan(3000);
    } finally {
      await session.close();
    }
  });
});
