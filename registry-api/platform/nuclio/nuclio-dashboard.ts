/**
 * The Nuclio dashboard's HTTP API (Nuclio 1.14, `pkg/dashboard/resource/function.go`), the parts the
 * API uses: list the project's functions, read one, create one, and name its replicas. The dashboard is
 * the only thing on the cluster the API talks to besides the functions: no Kubernetes client, no
 * Docker. Every call has a deadline; a dashboard that does not answer is `engine_unavailable` (it is
 * the cluster platform's engine), one that answers late `engine_timeout`.
 */

import { CoderingError, isCoderingError } from '../../../errors';
import { withTimeout } from '../../../factory/engine';

/** A function as `GET /api/functions` lists it: `{metadata, spec, status}` (functionconfig). */
export interface DashboardFunction {
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string> | null;
    annotations?: Record<string, string> | null;
  };
  spec?: {
    image?: string;
    minReplicas?: number;
    maxReplicas?: number;
    replicas?: number;
    triggers?: Record<string, { kind?: string; numWorkers?: number }> | null;
  };
  /** `state`: ready, error, unhealthy, building, waitingForResourceConfiguration, scaledToZero, … */
  status?: { state?: string; message?: string } | null;
}

/** The body `POST /api/functions` takes: no `status` (the dashboard sets it). */
export interface DashboardFunctionBody {
  metadata: { name: string; namespace: string; labels: Record<string, string>; annotations: Record<string, string> };
  spec: object;
}

export interface NuclioDashboardOptions {
  url: string;
  namespace: string;
  /** Lists are filtered by `nuclio.io/project-name`; created functions are put in it. */
  project: string;
  /** Sent as `Authorization: Bearer <token>` (the dashboard's authentication, CODERING_NUCLIO_DASHBOARD_TOKEN); null: none. */
  token?: string | null;
  timeoutMs: number;
  /** Injectable for tests. */
  fetch?: typeof fetch;
}

export class NuclioDashboard {
  private readonly root: string;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: NuclioDashboardOptions) {
    this.root = options.url.endsWith('/') ? options.url : `${options.url}/`;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  get url(): string {
    return this.options.url;
  }

  /** Every function of the project in the namespace, keyed by name in Nuclio's answer; here a list. */
  async listFunctions(signal?: AbortSignal): Promise<DashboardFunction[]> {
    const body = await this.json<Record<string, DashboardFunction>>('GET', 'api/functions', { signal, project: true });
    return Object.values(body ?? {}).filter((fn) => typeof fn?.metadata?.name === 'string');
  }

  /** One function, or null when there is none of that name. */
  getFunction(name: string, signal?: AbortSignal): Promise<DashboardFunction | null> {
    return this.json<DashboardFunction>('GET', `api/functions/${encodeURIComponent(name)}`, { signal });
  }

  /** The names of the function's pods (ready or not: Nuclio lists them by label, whatever their phase). */
  async replicaNames(name: string, signal?: AbortSignal): Promise<string[] | null> {
    const body = await this.json<{ names?: string[] | null }>('GET', `api/functions/${encodeURIComponent(name)}/replicas`, { signal });
    return body === null ? null : (body.names ?? []);
  }

  /**
   * Asks Nuclio to deploy a function (202: the deployment goes on; poll `getFunction`). `exists` when a
   * function of that name is already there (409): someone deployed it first, which is as good.
   */
  async createFunction(body: DashboardFunctionBody, signal?: AbortSignal): Promise<'created' | 'exists'> {
    const what = `POST ${this.root}api/functions (${body.metadata.name})`;
    const response = await this.send('POST', 'api/functions', { signal, project: true, body: JSON.stringify(body) });
    const text = await response.text().catch(() => '');
    if (response.status === 409) return 'exists';
    if (response.status === 202 || response.status === 201 || response.status === 200) return 'created';
    throw new CoderingError('deploy_failed', `${what}: HTTP ${response.status}: ${excerpt(text)}`, {
      function: body.metadata.name,
      status: response.status,
    });
  }

  private async json<T>(method: 'GET', path: string, options: { signal?: AbortSignal; project?: boolean }): Promise<T | null> {
    const response = await this.send(method, path, options);
    const text = await response.text().catch(() => '');
    if (response.status === 404) return null;
    if (!response.ok) {
      throw new CoderingError('engine_unavailable', `${method} ${this.root}${path}: the Nuclio dashboard answered HTTP ${response.status}: ${excerpt(text)}`, {
        dashboard: this.options.url,
        status: response.status,
      });
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new CoderingError('engine_unavailable', `${method} ${this.root}${path}: the Nuclio dashboard answered no JSON: ${excerpt(text)}`, {
        dashboard: this.options.url,
      });
    }
  }

  private send(method: 'GET' | 'POST', path: string, options: { signal?: AbortSignal; project?: boolean; body?: string }): Promise<Response> {
    const url = `${this.root}${path}`;
    const what = `${method} ${url}`;
    return withTimeout({ what, timeoutMs: this.options.timeoutMs, signal: options.signal }, async (abort) => {
      const headers: Record<string, string> = { 'x-nuclio-function-namespace': this.options.namespace, ...bearer(this.options.token) };
      if (options.project === true) headers['x-nuclio-project-name'] = this.options.project;
      if (options.body !== undefined) headers['content-type'] = 'application/json';
      try {
        return await this.fetch(url, { method, headers, body: options.body, signal: abort });
      } catch (error) {
        if (isCoderingError(error)) throw error;
        if (abort.aborted && abort.reason instanceof Error) throw abort.reason;
        const cause = (error as { cause?: { code?: string } })?.cause?.code ?? (error as Error)?.message;
        throw new CoderingError('engine_unavailable', `${what}: the Nuclio dashboard does not answer (${cause})`, {
          dashboard: this.options.url,
        }, { cause: error });
      }
    });
  }
}

/** The dashboard's credential, as every call to it carries it (calls, invocations, probes). */
export function bearer(token: string | null | undefined): Record<string, string> {
  return token == null ? {} : { authorization: `Bearer ${token}` };
}

function excerpt(text: string): string {
  const line = text.slice(0, 300).replace(/\s+/g, ' ').trim();
  return line === '' ? '(empty body)' : line;
}
