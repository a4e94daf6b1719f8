import type { StreamingOptions, WorkerRequest } from './proxy-types';

/**
 * Encodes a request in the proxy's framing: `codering/1`, then `<field> <length>\n<bytes>\n`, then
 * `end`. Lengths are in bytes, so any content (NULs, newlines, non-UTF-8 from the files) survives
 * without escaping; the proxy never has to parse JSON. `streaming` asks `--serve` for output frames
 * while the program runs (`stream 1`) and for its stdin to stay open for stdin frames (`interactive 1`).
 */
export function encodeProxyRequest(request: WorkerRequest, streaming: StreamingOptions = {}): Buffer {
  const parts: Buffer[] = [Buffer.from('codering/1\n')];
  const field = (name: string, value: string | Buffer): void => {
    const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    parts.push(Buffer.from(`${name} ${bytes.length}\n`), bytes, Buffer.from('\n'));
  };
  field('id', request.requestId);
  for (const file of request.files) {
    field('file', Buffer.concat([Buffer.from(file.name, 'utf8'), Buffer.from([0]), Buffer.from(file.content, 'utf8')]));
  }
  field('main', request.main);
  field('stdin', request.stdin);
  for (const arg of request.args) field('arg', arg);
  // test cases: the proxy reads each case's stdin and args, never the request's own (proxy/README.md)
  for (const testCase of request.cases ?? []) field('case', encodeCase(testCase));
  const { limits } = request;
  field('wall_ms', String(Math.ceil(limits.wallMs)));
  field('cpu_ms', String(Math.ceil(limits.cpuMs)));
  field('compile_wall_ms', String(Math.ceil(limits.compileWallMs)));
  field('memory_bytes', String(Math.floor(limits.memoryBytes)));
  field('output_bytes', String(Math.floor(limits.outputBytes)));
  field('processes', String(Math.floor(limits.processes)));
  field('file_bytes', String(Math.floor(limits.fileBytes)));
  if (streaming.stream === true) field('stream', '1');
  if (streaming.interactive === true) field('interactive', '1');
  parts.push(Buffer.from('end\n'));
  return Buffer.concat(parts);
}

/** A test case's own fields, in the request's framing: the bytes of one `case` field. */
function encodeCase(testCase: NonNullable<WorkerRequest['cases']>[number]): Buffer {
  const { limits } = testCase;
  const fields: [string, string][] = [
    ['stdin', testCase.stdin],
    ...testCase.args.map((arg): [string, string] => ['arg', arg]),
    ['wall_ms', String(Math.ceil(limits.wallMs))],
    ['cpu_ms', String(Math.ceil(limits.cpuMs))],
    ['memory_bytes', String(Math.floor(limits.memoryBytes))],
    ['output_bytes', String(Math.floor(limits.outputBytes))],
    ['processes', String(Math.floor(limits.processes))],
  ];
  return Buffer.concat(fields.flatMap(([name, value]) => [Buffer.from(`${name} ${Buffer.byteLength(value, 'utf8')}\n`), Buffer.from(value, 'utf8'), Buffer.from('\n')]));
}

/** The in-band message that stops a running program (the loser of a race); the worker stays usable. */
export const CANCEL_LINE = Buffer.from('cancel\n');
