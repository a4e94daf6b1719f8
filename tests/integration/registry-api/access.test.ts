/**
 * Keys, scopes and CORS as a learning platform meets them: the real API over a socket, its real
 * database file, a key made by `codering keys create` while the API runs, and a python program on
 * the real engine. The API requires a key for everything (CODERING_AUTH=required), and allows one
 * browser origin.
 */
import { main } from '../../../factory/cli';
import { startLiveApi, type LiveApi } from '../support';

jest.setTimeout(10 * 60_000);

const APP = 'https://learn.example.org';
let api: LiveApi;

beforeAll(async () => {
  api = await startLiveApi({ runtimes: ['python@latest'], warmFloor: 1, config: { auth: 'required', corsOrigins: [APP], rateLimitPerMinute: 100 } });
});
afterAll(async () => api?.close());

/** `codering keys create …` against the running API's data directory; the secret it prints. */
async function createKey(...args: string[]): Promise<string> {
  let out = '';
  const code = await main(['node', 'codering', 'keys', 'create', ...args, '--data-dir', api.dataDir], { out: (text) => (out += text), err: () => undefined });
  expect(code).toBe(0);
  return out.trim();
}

const hello = { runtime: 'python@latest', files: [{ name: 'main.py', content: 'print("hello from " + input())' }], stdin: 'a key' };
const json = (headers: Record<string, string> = {}) => ({ 'content-type': 'application/json', ...headers });

test('a build without a key is 401, with the Bearer challenge and the error shape', async () => {
  const response = await fetch(`${api.base}/v1/images`, { method: 'POST', headers: json(), body: JSON.stringify({ runtime: 'python@latest' }) });
  expect(response.status).toBe(401);
  expect(response.headers.get('www-authenticate')).toBe('Bearer realm="codering"');
  expect(((await response.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
});

test('a run key made by the CLI while the API runs: it runs python on the engine, and may not build (403)', async () => {
  const secret = await createKey('--scope', 'run', '--name', 'the UI');
  const authorization = `Bearer ${secret}`;

  // without the key, a run is refused too: this API requires keys
  expect((await api.run(hello)).status).toBe(401);

  const ran = await api.run(hello, { authorization });
  expect({ status: ran.status, run: ran.body.status, stdout: ran.body.stdout }).toEqual({ status: 200, run: 'ok', stdout: 'hello from a key\n' });

  const limited = await fetch(`${api.base}/v1/runtimes`, { headers: { authorization } });
  expect(limited.status).toBe(200);
  expect(limited.headers.get('x-ratelimit-limit')).toBe('100');
  expect(Number(limited.headers.get('x-ratelimit-remaining'))).toBeLessThan(100);

  const build = await fetch(`${api.base}/v1/images`, { method: 'POST', headers: json({ authorization }), body: JSON.stringify({ runtime: 'python@latest' }) });
  expect(build.status).toBe(403);
  expect(build.headers.get('www-authenticate')).toBe('Bearer realm="codering", error="insufficient_scope", scope="build"');
  expect(((await build.json()) as { error: { code: string } }).error.code).toBe('forbidden');

  // revoked from the CLI: refused at its next request
  const id = secret.slice(4, 16);
  expect(await main(['node', 'codering', 'keys', 'revoke', id, '--data-dir', api.dataDir], { out: () => undefined, err: () => undefined })).toBe(0);
  expect((await api.run(hello, { authorization })).status).toBe(401);
});

test("a browser's preflight from the allowed origin passes, and from another origin fails", async () => {
  const preflight = (origin: string) =>
    fetch(`${api.base}/v1/run`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
  const allowed = await preflight(APP);
  expect(allowed.status).toBe(204);
  expect(allowed.headers.get('access-control-allow-origin')).toBe(APP);
  expect(allowed.headers.get('access-control-allow-methods')).toContain('POST');
  expect(allowed.headers.get('access-control-allow-headers')).toMatch(/authorization.*content-type/);
  expect(allowed.headers.get('access-control-allow-credentials')).toBeNull();

  const other = await preflight('https://elsewhere.example');
  expect(other.status).toBe(403);
  expect(other.headers.get('access-control-allow-origin')).toBeNull();

  // the page's actual run, with its key, carries the header its browser needs to hand it the answer
  const authorization = `Bearer ${await createKey('--scope', 'run')}`;
  const response = await fetch(`${api.base}/v1/run`, { method: 'POST', headers: json({ origin: APP, authorization }), body: JSON.stringify(hello) });
  expect(response.status).toBe(200);
  expect(response.headers.get('access-control-allow-origin')).toBe(APP);
});
