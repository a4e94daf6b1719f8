/**
 * The two messages of the proxy-function contract (proxy/README.md), as TypeScript sees
 * them. Both platforms (local Docker, Nuclio) and the smoke tests speak exactly this.
 */

/** Limits of one run, already checked against the operator's maxima. */
export interface RunLimits {
  wallMs: number;
  cpuMs: number;
  compileWallMs: number;
  memoryBytes: number;
  outputBytes: number;
  processes: number;
  fileBytes: number;
}

export interface SourceFile {
  name: string;
  content: string;
}

/** The limits a test case may set for itself; compile wall time and file size stay the request's. */
export type CaseLimits = Pick<RunLimits, 'wallMs' | 'cpuMs' | 'memoryBytes' | 'outputBytes' | 'processes'>;

/** One test case of a request: the program compiled once, run with this stdin, these args and limits. */
export interface WorkerCase {
  stdin: string;
  args: string[];
  limits: CaseLimits;
}

/** One request as the proxy receives it (see proxy/README.md). */
export interface WorkerRequest {
  requestId: string;
  files: SourceFile[];
  main: string;
  /** With cases, the proxy reads each case's stdin and args instead. */
  stdin: string;
  args: string[];
  limits: RunLimits;
  /** Test cases: one run each, in this order, after one compile. */
  cases?: WorkerCase[];
}

/** What a `--serve` request asks beyond its result (proxy/README.md, "Streaming and interactive stdin"). */
export interface StreamingOptions {
  /** Output frames as the program writes, before its result. */
  stream?: boolean;
  /** The program's stdin stays open for stdin frames until `stdin-eof`. */
  interactive?: boolean;
}

/** The program's two outputs, as output frames name them. */
export type OutputStream = 'stdout' | 'stderr';

/** Whose output a frame carries: the compiler's (`compile`) or the program's (`run`). */
export type OutputPhase = 'compile' | 'run';
export const OUTPUT_PHASES: readonly OutputPhase[] = ['compile', 'run'];

/**
 * Every status the proxy can answer. `cancelled` answers a cancel of ours; `files_rejected` says the
 * request's files could not be written as given (paths that collide, too large for the box): the
 * request's fault, the worker is fine; `internal_error` is the worker's own failure.
 */
export const RUN_STATUSES = [
  'ok',
  'runtime_error',
  'compile_error',
  'timeout',
  'memory_limit',
  'output_limit',
  'internal_error',
  'cancelled',
  'files_rejected',
] as const;

export type RunStatus = (typeof RUN_STATUSES)[number];

/** What the proxy answered, decoded (outputs are UTF-8 text with replacement characters). */
export interface ProxyResult {
  status: RunStatus;
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
  compile: { exitCode: number | null; stdout: string; stderr: string; wallMs: number } | null;
  wallMs: number;
  cpuMs: number;
  memoryBytes: number;
  message: string;
  /** A request with cases: one result per case that ran, in order (a case's own has none). */
  cases?: ProxyCaseResult[];
}

/** What one test case ended as: a result of its own, without compile. */
export type ProxyCaseResult = Omit<ProxyResult, 'compile' | 'cases'>;

/**
 * After each answer the proxy cleans the worker and proves it as fresh (proxy/README.md),
 * then says so in a state frame: until then the worker is busy. `retired`: the proof failed and the
 * proxy ends; the platform replaces the worker.
 */
export type WorkerStateFrame = { state: 'clean'; cleanMs: number } | { state: 'retired'; reason: string };

/** One frame of the proxy's `--serve` output: an output chunk of a streamed run, its result, the worker's state. */
export type ProxyFrame =
  | { kind: 'output'; stream: OutputStream; phase: OutputPhase; data: Buffer }
  | { kind: 'result'; result: ProxyResult }
  | { kind: 'state'; frame: WorkerStateFrame };
