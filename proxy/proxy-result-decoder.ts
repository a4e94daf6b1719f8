import { RUN_STATUSES, type ProxyCaseResult, type ProxyFrame, type ProxyResult } from './proxy-types';

const STATUSES: ReadonlySet<string> = new Set(RUN_STATUSES);

/** The proxy answered something that is not a result: a worker failure, never the user's. */
export class MalformedProxyResult extends Error {
  constructor(message: string) {
    super(`malformed proxy result: ${message}`);
    this.name = 'MalformedProxyResult';
  }
}

// Outputs travel as base64 so that any bytes survive; users read them as text.
const decodeText = (value: unknown, field: string): string => {
  if (typeof value !== 'string') throw new MalformedProxyResult(`${field} is not a string`);
  return Buffer.from(value, 'base64').toString('utf8');
};

const numberOr = (value: unknown, field: string, fallback: number | null): number | null => {
  if (value === null || value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new MalformedProxyResult(`${field} is not a number`);
  return value;
};

function parseObject(json: string | Buffer): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = JSON.parse(typeof json === 'string' ? json : json.toString('utf8'));
  } catch {
    throw new MalformedProxyResult('not JSON');
  }
  if (typeof raw !== 'object' || raw === null) throw new MalformedProxyResult('not an object');
  return raw as Record<string, unknown>;
}

/** Decodes one frame of `--serve`: an output chunk, a result, or the worker's state after it (`clean`, `retired`). */
export function decodeProxyFrame(json: string | Buffer): ProxyFrame {
  const r = parseObject(json);
  if ('stream' in r) return decodeOutput(r);
  if (!('state' in r)) return { kind: 'result', result: checkResult(r) };
  if (r.state === 'clean') return { kind: 'state', frame: { state: 'clean', cleanMs: numberOr(r.cleanMs, 'cleanMs', 0) ?? 0 } };
  if (r.state === 'retired') return { kind: 'state', frame: { state: 'retired', reason: typeof r.reason === 'string' ? r.reason : '' } };
  throw new MalformedProxyResult(`unknown state ${String(r.state)}`);
}

/**
 * An output frame keeps the bytes as the program wrote them: text is the API's to make, at its edge.
 * A frame without `phase` (an image built before the compiler's output streamed) is the program's.
 */
function decodeOutput(r: Record<string, unknown>): ProxyFrame {
  if (r.stream !== 'stdout' && r.stream !== 'stderr') throw new MalformedProxyResult(`unknown output stream ${String(r.stream)}`);
  if (typeof r.data !== 'string') throw new MalformedProxyResult('output data is not a string');
  const phase = r.phase ?? 'run';
  if (phase !== 'compile' && phase !== 'run') throw new MalformedProxyResult(`unknown output phase ${String(phase)}`);
  return { kind: 'output', stream: r.stream, phase, data: Buffer.from(r.data, 'base64') };
}

/** Decodes and checks one JSON result of the proxy (proxy/README.md). */
export function decodeProxyResult(json: string | Buffer): ProxyResult {
  return checkResult(parseObject(json));
}

function checkResult(r: Record<string, unknown>): ProxyResult {
  let compile: ProxyResult['compile'] = null;
  if (r.compile !== null && r.compile !== undefined) {
    if (typeof r.compile !== 'object') throw new MalformedProxyResult('compile is not an object');
    const c = r.compile as Record<string, unknown>;
    compile = {
      exitCode: numberOr(c.exitCode, 'compile.exitCode', null),
      stdout: decodeText(c.stdout, 'compile.stdout'),
      stderr: decodeText(c.stderr, 'compile.stderr'),
      wallMs: numberOr(c.wallMs, 'compile.wallMs', 0) ?? 0,
    };
  }
  const result: ProxyResult = { ...checkRun(r, ''), compile };
  if (r.cases !== undefined) {
    if (!Array.isArray(r.cases)) throw new MalformedProxyResult('cases is not an array');
    result.cases = r.cases.map((value: unknown, index) => {
      if (typeof value !== 'object' || value === null) throw new MalformedProxyResult(`cases[${index}] is not an object`);
      return checkRun(value as Record<string, unknown>, `cases[${index}].`);
    });
  }
  return result;
}

/** The fields a result and each of its test cases share; `at` prefixes the field names of a message. */
function checkRun(r: Record<string, unknown>, at: string): ProxyCaseResult {
  if (typeof r.status !== 'string' || !STATUSES.has(r.status)) throw new MalformedProxyResult(`unknown ${at}status ${String(r.status)}`);
  return {
    status: r.status as ProxyResult['status'],
    exitCode: numberOr(r.exitCode, `${at}exitCode`, null),
    signal: typeof r.signal === 'string' ? r.signal : null,
    stdout: decodeText(r.stdout, `${at}stdout`),
    stderr: decodeText(r.stderr, `${at}stderr`),
    stdoutTruncated: r.stdoutTruncated === true,
    stderrTruncated: r.stderrTruncated === true,
    wallMs: numberOr(r.wallMs, `${at}wallMs`, 0) ?? 0,
    cpuMs: numberOr(r.cpuMs, `${at}cpuMs`, 0) ?? 0,
    memoryBytes: numberOr(r.memoryBytes, `${at}memoryBytes`, 0) ?? 0,
    message: typeof r.message === 'string' ? r.message : '',
  };
}
