/**
 * One catalogue of errors for the whole project: a stable code, an HTTP status, and the kind of failure.
 * Three kinds are never mixed: bad input (4xx), busy (429/503 with Retry-After), our own failure (5xx).
 * A user's program that fails is not an error at all: it is a result with a status.
 */

export type ErrorKind = 'bad_input' | 'busy' | 'internal';

interface CatalogueEntry {
  status: number;
  kind: ErrorKind;
  title: string;
}

export const ERROR_CATALOGUE = {
  // bad input
  invalid_request: { status: 400, kind: 'bad_input', title: 'The request does not match the schema' },
  malformed_json: { status: 400, kind: 'bad_input', title: 'The body is not valid JSON' },
  payload_too_large: { status: 413, kind: 'bad_input', title: 'The body is larger than allowed' },
  unsupported_media_type: { status: 415, kind: 'bad_input', title: 'The body must be application/json' },
  unknown_runtime: { status: 404, kind: 'bad_input', title: 'No such language in the catalogue' },
  unsatisfiable_version: { status: 404, kind: 'bad_input', title: 'No version of the language satisfies the range' },
  invalid_version_range: { status: 400, kind: 'bad_input', title: 'The version is not a valid semver range or alias' },
  invalid_library: { status: 400, kind: 'bad_input', title: 'A library spec is not valid for its ecosystem' },
  libraries_not_supported: { status: 400, kind: 'bad_input', title: 'This runtime takes no libraries of that kind' },
  invalid_file_name: { status: 400, kind: 'bad_input', title: 'A file name is not a safe relative path' },
  too_many_files: { status: 400, kind: 'bad_input', title: 'Too many files' },
  too_many_test_cases: { status: 400, kind: 'bad_input', title: 'More test cases than a judged run may have (CODERING_MAX_TEST_CASES)' },
  file_too_large: { status: 413, kind: 'bad_input', title: 'The files are larger than allowed' },
  limit_exceeds_maximum: { status: 400, kind: 'bad_input', title: 'A limit is above the operator maximum' },
  conflicting_file_paths: { status: 400, kind: 'bad_input', title: 'Two files\' paths collide' },
  files_rejected: { status: 400, kind: 'bad_input', title: 'The worker could not write the files as given' },
  main_not_found: { status: 400, kind: 'bad_input', title: 'The main file is not among the files' },
  not_found: { status: 404, kind: 'bad_input', title: 'No such resource' },
  unauthorized: { status: 401, kind: 'bad_input', title: 'A key is needed, and none or an invalid one was sent' },
  forbidden: { status: 403, kind: 'bad_input', title: "The key's scopes, or the page's origin, do not allow this" },
  upgrade_required: { status: 426, kind: 'bad_input', title: 'This route is a WebSocket: open it with an upgrade' },
  // the request asks what this deployment can't do (not a failure of ours): ask another way
  interactive_unsupported: { status: 501, kind: 'bad_input', title: 'Interactive runs need the local platform (a Nuclio function takes its stdin with the event)' },
  data_dir_in_use: { status: 409, kind: 'internal', title: 'Another API process uses this data directory' },
  invalid_catalogue: { status: 500, kind: 'internal', title: 'A runtime.yaml of the catalogue is invalid' },
  // busy
  queue_full: { status: 429, kind: 'busy', title: 'Too many runs waiting for this runtime' },
  rate_limited: { status: 429, kind: 'busy', title: 'Too many requests from this key (or address) in the last minute' },
  too_many_runs: { status: 429, kind: 'busy', title: 'This key (or address) has as many runs in flight as it may' },
  not_ready: { status: 503, kind: 'busy', title: 'The service is starting or its workers are not warm' },
  workers_busy: { status: 503, kind: 'busy', title: 'The workers leased for the run were all busy; try again later' },
  // our own failures
  build_failed: { status: 502, kind: 'internal', title: 'The image build failed' },
  not_deployed: { status: 503, kind: 'internal', title: 'The runtime is in the catalogue but not deployed on this cluster' },
  deploy_failed: { status: 502, kind: 'internal', title: "Deploying the runtime's function failed" },
  engine_unavailable: { status: 503, kind: 'internal', title: 'The container engine does not answer' },
  engine_timeout: { status: 504, kind: 'internal', title: 'The container engine did not answer in time' },
  registry_unavailable: { status: 502, kind: 'internal', title: 'The image registry does not answer' },
  workers_failed: { status: 500, kind: 'internal', title: 'Every worker failed, retries included' },
  internal: { status: 500, kind: 'internal', title: 'Internal error' },
} as const satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export class CoderingError extends Error {
  readonly status: number;
  readonly kind: ErrorKind;

  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Machine-readable details: the field, the versions that exist, the failing build step's log. */
    readonly details: Record<string, unknown> = {},
    options?: { cause?: unknown; retryAfterSeconds?: number },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CoderingError';
    this.status = ERROR_CATALOGUE[code].status;
    this.kind = ERROR_CATALOGUE[code].kind;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }

  readonly retryAfterSeconds: number | undefined;

  toJSON(): { error: { code: ErrorCode; message: string; details: Record<string, unknown> } } {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}

export function isCoderingError(value: unknown): value is CoderingError {
  return value instanceof CoderingError;
}
