import {
  decodeProxyFrame,
  decodeProxyResult,
  encodeProxyRequest,
  encodeStdinFrame,
  MalformedProxyResult,
  ProxyFrameReader,
  STDIN_EOF_LINE,
  type WorkerRequest,
} from '../../../proxy';
import { parseFields } from './proxy-fields';

const limits = {
  wallMs: 2000,
  cpuMs: 1500,
  compileWallMs: 10000,
  memoryBytes: 128 * 1024 * 1024,
  outputBytes: 65536,
  processes: 64,
  fileBytes: 1 << 20,
};

const request: WorkerRequest = {
  requestId: 'req-1',
  files: [
    { name: 'main.py', content: 'print("héllo")\n' },
    { name: 'lib/util.py', content: 'x = "\\n\u0000"' },
  ],
  main: 'main.py',
  stdin: 'line one\nline two',
  args: ['a b', ''],
  limits,
};

describe('proxy request encoding', () => {
  it('frames every field with its byte length, files as path NUL content', () => {
    const fields = parseFields(encodeProxyRequest(request));
    const files = fields.filter(([n]) => n === 'file').map(([, v]) => v);
    expect(files[0]!.toString()).toBe('main.py\u0000print("héllo")\n');
    expect(files[1]!.toString()).toBe('lib/util.py\u0000x = "\\n\u0000"');
    expect(fields.filter(([n]) => n === 'arg').map(([, v]) => v.toString())).toEqual(['a b', '']);
    const byName = new Map(fields.map(([n, v]) => [n, v.toString()]));
    expect(byName.get('stdin')).toBe('line one\nline two');
    expect(byName.get('wall_ms')).toBe('2000');
    expect(byName.get('memory_bytes')).toBe(String(128 * 1024 * 1024));
  });
});

describe('proxy result decoding', () => {
  const result = {
    status: 'runtime_error',
    exitCode: 1,
    signal: null,
    stdout: Buffer.from('out ✓').toString('base64'),
    stderr: Buffer.from([0xff, 0x41]).toString('base64'),
    stdoutTruncated: false,
    stderrTruncated: true,
    compile: null,
    wallMs: 12,
    cpuMs: 8,
    memoryBytes: 1024,
    message: '',
  };

  it('decodes base64 outputs as UTF-8 with replacement', () => {
    const decoded = decodeProxyResult(JSON.stringify(result));
    expect(decoded.stdout).toBe('out ✓');
    expect(decoded.stderr).toBe('\uFFFDA');
    expect(decoded.stderrTruncated).toBe(true);
    expect(decoded.exitCode).toBe(1);
  });

  it.each([
    ['not json', '{'],
    ['unknown status', JSON.stringify({ ...result, status: 'great' })],
    ['stdout not a string', JSON.stringify({ ...result, stdout: 3 })],
    ['array', '[]'],
  ])('rejects %s', (_label, body) => {
    expect(() => decodeProxyResult(body)).toThrow(MalformedProxyResult);
  });
});

describe('proxy frame decoding: a result, then the worker state', () => {
  const result = { status: 'runtime_error', exitCode: 1, signal: null, stdout: '', stderr: '', compile: null, wallMs: 1, cpuMs: 1, memoryBytes: 1, message: '' };
  it('tells results from state frames', () => {
    expect(decodeProxyFrame(JSON.stringify(result))).toMatchObject({ kind: 'result', result: { status: 'runtime_error' } });
    expect(decodeProxyFrame('{"state":"clean","cleanMs":3}')).toEqual({ kind: 'state', frame: { state: 'clean', cleanMs: 3 } });
    expect(decodeProxyFrame('{"state":"retired","reason":"/tmp still has 2 entries"}')).toEqual({
      kind: 'state',
      frame: { state: 'retired', reason: '/tmp still has 2 entries' },
    });
  });

  it('takes files_rejected as a result, and refuses an unknown state', () => {
    expect(decodeProxyFrame(JSON.stringify({ ...result, status: 'files_rejected' }))).toMatchObject({ result: { status: 'files_rejected' } });
    expect(() => decodeProxyFrame('{"state":"dirty"}')).toThrow(MalformedProxyResult);
  });
});

describe('ProxyFrameReader', () => {
  it('reassembles frames split at any byte and several frames in one chunk', () => {
    const frames: string[] = [];
    const reader = new ProxyFrameReader((json) => frames.push(json.toString()));
    const one = '{"a":1}';
    const two = '{"b":"ü"}';
    const stream = Buffer.concat([
      Buffer.from(`codering/1 ${Buffer.byteLength(one)}\n${one}\n`),
      Buffer.from(`codering/1 ${Buffer.byteLength(two)}\n${two}\n`),
    ]);
    for (let i = 0; i < stream.length; i++) reader.push(stream.subarray(i, i + 1));
    reader.push(stream);
    expect(frames).toEqual([one, two, one, two]);
  });

  it('treats stray bytes as a broken worker', () => {
    const reader = new ProxyFrameReader(() => undefined);
    expect(() => reader.push(Buffer.from('hello\n'))).toThrow(MalformedProxyResult);
  });
});

describe('streamed runs in the proxy protocol', () => {
  it('asks for output frames with `stream 1` and an open stdin with `interactive 1`, before `end`; neither by default', () => {
    const plain = encodeProxyRequest(request).toString();
    expect(plain).not.toMatch(/\n(stream|interactive) /);
    const streamed = encodeProxyRequest(request, { stream: true, interactive: true }).toString();
    expect(streamed.endsWith('stream 1\n1\ninteractive 1\n1\nend\n')).toBe(true);
  });

  it('decodes an output frame to the bytes the program (or the compiler) wrote, and whose they are', () => {
    const bytes = Buffer.from([0x68, 0xc3, 0xff, 0x0a]);
    const data = bytes.toString('base64');
    expect(decodeProxyFrame(JSON.stringify({ stream: 'stderr', phase: 'run', data }))).toEqual({ kind: 'output', stream: 'stderr', phase: 'run', data: bytes });
    expect(decodeProxyFrame(JSON.stringify({ stream: 'stderr', phase: 'compile', data }))).toEqual({ kind: 'output', stream: 'stderr', phase: 'compile', data: bytes });
    // an image built before the compiler's output streamed sends no phase: its frames are the program's
    expect(decodeProxyFrame(JSON.stringify({ stream: 'stdout', data }))).toMatchObject({ phase: 'run' });
    expect(() => decodeProxyFrame('{"stream":"stdin","data":""}')).toThrow(MalformedProxyResult);
    expect(() => decodeProxyFrame('{"stream":"stdout","data":5}')).toThrow(MalformedProxyResult);
    expect(() => decodeProxyFrame('{"stream":"stdout","phase":"link","data":""}')).toThrow(MalformedProxyResult);
  });

  it('frames stdin by its byte length, whatever the bytes; `stdin-eof` ends it', () => {
    expect(encodeStdinFrame(Buffer.from('a\nb')).toString()).toBe('stdin 3\na\nb\n');
    expect(encodeStdinFrame(Buffer.from('é')).toString()).toBe('stdin 2\né\n');
    expect(STDIN_EOF_LINE.toString()).toBe('stdin-eof\n');
  });
});
