/** Test cases on the proxy's wire (proxy/README.md, `case`): encoded as nested fields, decoded as `cases`. */
import {
  CASE_OVERHEAD_MS,
  decodeProxyFrame,
  decodeProxyResult,
  encodeProxyRequest,
  MalformedProxyResult,
  runWallMs,
  type WorkerRequest,
} from '../../../proxy';
import { parseFields } from './proxy-fields';

const limits = { wallMs: 2000, cpuMs: 1500, compileWallMs: 10000, memoryBytes: 1 << 27, outputBytes: 65536, processes: 64, fileBytes: 1 << 20 };
const caseLimits = { wallMs: 1000, cpuMs: 900, memoryBytes: 1 << 26, outputBytes: 4096, processes: 8 };

const batch: WorkerRequest = {
  requestId: 'req-2',
  files: [{ name: 'main.c', content: 'int main(void) { return 0; }\n' }],
  main: 'main.c',
  stdin: 'the run\u2019s own stdin',
  args: ['run-arg'],
  limits,
  cases: [
    { stdin: 'café\n1 2\n', args: ['x y', ''], limits: caseLimits },
    { stdin: '', args: [], limits: { ...caseLimits, wallMs: 250.2, outputBytes: 100.9 } },
  ],
};

describe('encoding a request with test cases', () => {
  const fields = parseFields(encodeProxyRequest(batch));
  const cases = fields.filter(([name]) => name === 'case').map(([, value]) => parseFields(value, false));

  it('sends one `case` field per case, in order, among the request\'s own fields', () => {
    // the run's own stdin and args go too, as always: the proxy reads a case's, never those (proxy/README.md)
    expect(fields.map(([name]) => name)).toEqual([
      'id', 'file', 'main', 'stdin', 'arg', 'case', 'case', 'wall_ms', 'cpu_ms', 'compile_wall_ms', 'memory_bytes', 'output_bytes', 'processes', 'file_bytes',
    ]);
  });

  it("frames each case's stdin, args and limits like the request's, lengths in bytes", () => {
    expect(cases[0]!.map(([name, value]) => [name, value.toString()])).toEqual([
      ['stdin', 'café\n1 2\n'],
      ['arg', 'x y'],
      ['arg', ''],
      ['wall_ms', '1000'],
      ['cpu_ms', '900'],
      ['memory_bytes', String(1 << 26)],
      ['output_bytes', '4096'],
      ['processes', '8'],
    ]);
    expect(cases[0]![0]![1].length).toBe(Buffer.byteLength('café\n1 2\n'));
  });

  it('rounds times up and sizes down, as for the request', () => {
    const second = new Map(cases[1]!.map(([name, value]) => [name, value.toString()]));
    expect(second.get('stdin')).toBe('');
    expect(second.get('wall_ms')).toBe('251');
    expect(second.get('output_bytes')).toBe('100');
  });

  it('is unchanged for a request without cases', () => {
    const { cases: _cases, ...single } = batch;
    const names = parseFields(encodeProxyRequest(single)).map(([name]) => name);
    expect(names).toContain('stdin');
    expect(names).not.toContain('case');
  });
});

describe('decoding a result with test cases', () => {
  const run = (status: string, stdout: string) => ({
    status,
    exitCode: status === 'ok' ? 0 : null,
    signal: status === 'timeout' ? 'SIGKILL' : null,
    stdout: Buffer.from(stdout).toString('base64'),
    stderr: '',
    stdoutTruncated: false,
    stderrTruncated: false,
    compile: null,
    wallMs: 7,
    cpuMs: 5,
    memoryBytes: 2048,
    message: status === 'timeout' ? 'the program ran longer than 1000 ms' : '',
  });
  const result = {
    ...run('ok', ''),
    exitCode: null,
    compile: { exitCode: 0, stdout: '', stderr: Buffer.from('warning').toString('base64'), wallMs: 300 },
    cases: [run('ok', '3\n'), run('timeout', 'partial ✓')],
  };

  it('decodes each case like a result, outputs as UTF-8', () => {
    const decoded = decodeProxyResult(JSON.stringify(result));
    expect(decoded.compile).toMatchObject({ stderr: 'warning', wallMs: 300 });
    expect(decoded.cases).toEqual([
      { status: 'ok', exitCode: 0, signal: null, stdout: '3\n', stderr: '', stdoutTruncated: false, stderrTruncated: false, wallMs: 7, cpuMs: 5, memoryBytes: 2048, message: '' },
      expect.objectContaining({ status: 'timeout', signal: 'SIGKILL', stdout: 'partial ✓', message: 'the program ran longer than 1000 ms' }),
    ]);
  });

  it('in a --serve frame too', () => {
    expect(decodeProxyFrame(JSON.stringify(result))).toMatchObject({ kind: 'result', result: { cases: [{ stdout: '3\n' }, { status: 'timeout' }] } });
  });

  it('has no cases when the proxy sent none (a run, or a compile error)', () => {
    expect(decodeProxyResult(JSON.stringify(run('compile_error', ''))).cases).toBeUndefined();
  });

  it.each([
    ['cases not an array', { ...result, cases: {} }, 'cases is not an array'],
    ['a case not an object', { ...result, cases: [null] }, 'cases[0] is not an object'],
    ['a case with an unknown status', { ...result, cases: [run('ok', ''), run('great', '')] }, 'unknown cases[1].status great'],
    ['a case whose stdout is not a string', { ...result, cases: [{ ...run('ok', ''), stdout: 1 }] }, 'cases[0].stdout is not a string'],
  ])('refuses %s, naming it', (_label, body, message) => {
    expect(() => decodeProxyResult(JSON.stringify(body))).toThrow(new MalformedProxyResult(message));
  });
});

describe('the wall time a request may take', () => {
  it('is the run\'s wall limit without cases', () => {
    const { cases: _cases, ...single } = batch;
    expect(runWallMs(single)).toBe(2000);
  });

  it('is every case\'s, plus the proxy\'s work between them, with cases', () => {
    expect(runWallMs(batch)).toBe(1000 + 250.2 + 2 * CASE_OVERHEAD_MS);
  });
});
