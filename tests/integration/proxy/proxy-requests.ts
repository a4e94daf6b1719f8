/**
 * Requests for the proxy binary's tests: well-formed ones through the API's own encoder (so the
 * tests speak exactly what the platforms send), raw ones for what no encoder would write.
 */
import { encodeProxyRequest, type RunLimits, type SourceFile, type StreamingOptions } from '../../../proxy';

/** Roomy limits: each test narrows the one it is about. memoryBytes and processes 0: unchecked. */
export const LIMITS: RunLimits = {
  wallMs: 10_000,
  cpuMs: 10_000,
  compileWallMs: 10_000,
  memoryBytes: 0,
  outputBytes: 64 * 1024,
  processes: 0,
  fileBytes: 16 * 1024 * 1024,
};

export interface ShellRequest {
  files?: SourceFile[];
  args?: string[];
  stdin?: string;
  limits?: Partial<RunLimits>;
  /** Output frames while it runs, stdin frames into it (`--serve` only). */
  streaming?: StreamingOptions;
}

/** A request whose program is a shell script, `main.sh` (the test runtime.sh runs it with sh). */
export function shellRequest(script: string, options: ShellRequest = {}): Buffer {
  return encodeProxyRequest({
    requestId: 'proxy-test',
    files: [{ name: 'main.sh', content: script }, ...(options.files ?? [])],
    main: 'main.sh',
    stdin: options.stdin ?? '',
    args: options.args ?? [],
    limits: { ...LIMITS, ...options.limits },
  }, options.streaming);
}

/** A request written field by field, as given: `codering/1`, each `<name> <length>\n<bytes>\n`, `end`. */
export function rawRequest(fields: Array<[string, string | Buffer]>, ending = 'end\n'): Buffer {
  const parts: Buffer[] = [Buffer.from('codering/1\n')];
  for (const [name, value] of fields) {
    const bytes = typeof value === 'string' ? Buffer.from(value) : value;
    parts.push(Buffer.from(`${name} ${bytes.length}\n`), bytes, Buffer.from('\n'));
  }
  parts.push(Buffer.from(ending));
  return Buffer.concat(parts);
}

/** A `file` field's value: `<path> NUL <content>`. */
export const fileField = (name: string, content: string): Buffer => Buffer.concat([Buffer.from(name), Buffer.from([0]), Buffer.from(content)]);

/** The bytes a result's base64 output decodes to, as text. */
export const text = (base64: unknown): string => Buffer.from(String(base64), 'base64').toString('utf8');

/** One test case of a shell batch: its stdin, args and limits over the request's. */
export interface ShellCase {
  stdin?: string;
  args?: string[];
  limits?: Partial<RunLimits>;
}

/** A request with test cases (`case` fields) whose program is the shell script `main.sh`. */
export function shellBatch(script: string, cases: ShellCase[], options: ShellRequest = {}): Buffer {
  const limits = { ...LIMITS, ...options.limits };
  return encodeProxyRequest({
    requestId: 'proxy-test',
    files: [{ name: 'main.sh', content: script }, ...(options.files ?? [])],
    main: 'main.sh',
    stdin: '',
    args: [],
    limits,
    cases: cases.map((testCase) => ({ stdin: testCase.stdin ?? '', args: testCase.args ?? [], limits: { ...limits, ...testCase.limits } })),
  });
}
