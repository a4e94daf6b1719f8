import type { WorkerCase, WorkerRequest } from './proxy-types';

type Field = [name: string, value: string | Buffer];

/** Fields as the proxy reads them: `<field> <length>\n<bytes>\n`, lengths in bytes. */
function encodeFields(fields: Field[]): Buffer[] {
  return fields.flatMap(([name, value]) => {
    const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    return [Buffer.from(`${name} ${bytes.length}\n`), bytes, Buffer.from('\n')];
  });
}

const integer = (value: number, round: (x: number) => number = Math.floor): string => String(round(value));

/** A test case's own fields, framed like the request's and sent whole as one `case` field. */
function caseFields(testCase: WorkerCase): Field[] {
  const { limits } = testCase;
  return [
    ['stdin', testCase.stdin],
    ...testCase.args.map((arg): Field => ['arg', arg]),
    ['wall_ms', integer(limits.wallMs, Math.ceil)],
    ['cpu_ms', integer(limits.cpuMs, Math.ceil)],
    ['memory_bytes', integer(limits.memoryBytes)],
    ['output_bytes', integer(limits.outputBytes)],
    ['processes', integer(limits.processes)],
  ];
}

/**
 * Encodes a request in the proxy's framing: `codering/1`, then `<field> <length>\n<bytes>\n`, then
 * `end`. Lengths are in bytes, so any content (NULs, newlines, non-UTF-8 from the files) survives
 * without escaping; the proxy never has to parse JSON. A test case is one `case` field whose bytes
 * are the case's own fields in the same framing.
 */
export function encodeProxyRequest(request: WorkerRequest): Buffer {
  const { limits, cases } = request;
  const fields: Field[] = [
    ['id', request.requestId],
    ...request.files.map((file): Field => ['file', Buffer.concat([Buffer.from(file.name, 'utf8'), Buffer.from([0]), Buffer.from(file.content, 'utf8')])]),
    ['main', request.main],
    // with cases, each has its own stdin and args: the proxy does not read the request's
    ...(cases === undefined ? [['stdin', request.stdin] as Field, ...request.args.map((arg): Field => ['arg', arg])] : []),
    ['wall_ms', integer(limits.wallMs, Math.ceil)],
    ['cpu_ms', integer(limits.cpuMs, Math.ceil)],
    ['compile_wall_ms', integer(limits.compileWallMs, Math.ceil)],
    ['memory_bytes', integer(limits.memoryBytes)],
    ['output_bytes', integer(limits.outputBytes)],
    ['processes', integer(limits.processes)],
    ['file_bytes', integer(limits.fileBytes)],
    ...(cases ?? []).map((testCase): Field => ['case', Buffer.concat(encodeFields(caseFields(testCase)))]),
  ];
  return Buffer.concat([Buffer.from('codering/1\n'), ...encodeFields(fields), Buffer.from('end\n')]);
}

/** The in-band message that stops a running program (the loser of a race); the worker stays usable. */
export const CANCEL_LINE = Buffer.from('cancel\n');
