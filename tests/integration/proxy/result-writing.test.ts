/**
 * Writing results, through the binary: the JSON's exact shape and field order, outputs in base64
 * (any bytes, every padding), the framing of --serve and the bare JSON of --once. The API's decoder
 * must accept every result as written.
 */
import { decodeProxyFrame, decodeProxyResult } from '../../../proxy';
import { useProxyHarness } from './proxy-harness';
import { shellRequest } from './proxy-requests';

jest.setTimeout(120_000);

const proxy = useProxyHarness();

const KEYS = ['status', 'exitCode', 'signal', 'stdout', 'stderr', 'stdoutTruncated', 'stderrTruncated', 'compile', 'wallMs', 'cpuMs', 'memoryBytes', 'message'];

test('--once writes one JSON object and a newline, nothing else, with every field in order', async () => {
  const ran = await proxy().once(shellRequest('echo hi; exit 3'));
  expect(ran.code).toBe(0);
  const out = ran.stdout.toString('utf8');
  expect(out.endsWith('}\n')).toBe(true);
  expect(out.indexOf('\n')).toBe(out.length - 1);
  const json = JSON.parse(out) as Record<string, unknown>;
  expect(Object.keys(json)).toEqual(KEYS);
  expect(json).toMatchObject({ status: 'runtime_error', exitCode: 3, signal: null, stdout: 'aGkK', stderr: '', stdoutTruncated: false, stderrTruncated: false, compile: null, message: '' });
  for (const key of ['wallMs', 'cpuMs', 'memoryBytes']) expect(Number.isInteger(json[key])).toBe(true);
  expect(decodeProxyResult(out)).toMatchObject({ status: 'runtime_error', exitCode: 3, stdout: 'hi\n' });
});

test('a result without a run has the same shape (files_rejected)', async () => {
  const result = await proxy().onceResult(shellRequest('echo', { files: [{ name: 'main.sh', content: 'twice' }] }));
  expect(Object.keys(result)).toEqual(KEYS);
  expect(result).toMatchObject({ status: 'files_rejected', exitCode: null, stdout: '', wallMs: 0, cpuMs: 0, memoryBytes: 0 });
});

test('the compile object has its exit code, outputs and wall time, in that order', async () => {
  const result = await proxy().onceResult(shellRequest('echo ran'), { env: { CODERING_COMPILED: '1' } });
  expect(Object.keys(result.compile as object)).toEqual(['exitCode', 'stdout', 'stderr', 'wallMs']);
});

describe('outputs are base64 of the bytes as written', () => {
  // every length mod 3 (padding "==", "=", none), bytes that are not UTF-8, NULs and newlines
  const cases: Array<[string, Buffer]> = [
    ['nothing', Buffer.alloc(0)],
    ['one byte', Buffer.from([0xff])],
    ['two bytes', Buffer.from([0x00, 0x0a])],
    ['three bytes', Buffer.from([0xfb, 0xff, 0xbf])],
    ['every byte', Buffer.from(Array.from({ length: 256 }, (_, i) => i))],
  ];
  test.each(cases)('%s', async (_name, bytes) => {
    // printf '%b' reads `\0nnn` octal escapes: any byte, whatever the shell's quoting; stderr gets them reversed
    const escaped = (b: Buffer) => [...b].map((byte) => `\\0${byte.toString(8).padStart(3, '0')}`).join('');
    const reversed = Buffer.from([...bytes].reverse());
    const script = `printf '%b' '${escaped(bytes)}'; printf '%b' '${escaped(reversed)}' >&2`;
    const result = await proxy().onceResult(shellRequest(script));
    expect(result.stdout).toBe(bytes.toString('base64'));
    expect(result.stderr).toBe(reversed.toString('base64'));
  });
});

test('--serve frames each answer as `codering/1 <length>\\n<json>\\n`, lengths in bytes', async () => {
  const session = proxy().serve();
  await session.run(shellRequest('printf "é\\n"; kill -TERM $$'));
  const ended = await session.close();
  const stream = ended.stdout;
  const frames: string[] = [];
  let at = 0;
  while (at < stream.length) {
    const newline = stream.indexOf(0x0a, at);
    const header = /^codering\/1 (\d+)$/.exec(stream.subarray(at, newline).toString('latin1'));
    expect(header).not.toBeNull();
    const length = Number(header?.[1]);
    frames.push(stream.subarray(newline + 1, newline + 1 + length).toString('utf8'));
    expect(stream[newline + 1 + length]).toBe(0x0a);
    at = newline + 1 + length + 1;
  }
  expect(frames).toHaveLength(2);
  const [result, state] = frames.map((frame) => decodeProxyFrame(frame));
  expect(result).toMatchObject({ kind: 'result', result: { status: 'runtime_error', signal: 'SIGTERM', exitCode: null, stdout: 'é\n' } });
  expect(state).toMatchObject({ kind: 'state', frame: { state: 'clean' } });
});
