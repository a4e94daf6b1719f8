/**
 * The dashboard's verifier, run as the cluster runs it (`node -e <source>`), asked as the Nuclio
 * dashboard asks it (`pkg/auth/iguazio`: a POST with the request's Authorization and Cookie headers;
 * 2xx with a JSON body lets the request through, anything else is a 401).
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { VERIFIED_USER, VERIFIER_SOURCE } from '../../../infra';

const TOKEN = 'a-dashboard-token-of-forty-characters-xx';
let verifier: ChildProcess;
let base = '';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

async function waitUntilUp(url: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the verifier did not start');
}

const verify = (headers: Record<string, string>, path = '/verify') => fetch(`${base}${path}`, { method: 'POST', headers });

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  verifier = spawn(process.execPath, ['-e', VERIFIER_SOURCE], { env: { DASHBOARD_TOKEN: TOKEN, PORT: String(port) }, stdio: 'ignore' });
  await waitUntilUp(`${base}/healthz`);
});

afterAll(() => {
  verifier.kill();
});

it('lets through the API`s bearer token, with a JSON body and a user name', async () => {
  const response = await verify({ authorization: `Bearer ${TOKEN}`, cookie: '' });
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({});
  expect(response.headers.get('x-remote-user')).toBe(VERIFIED_USER);
});

it('refuses anything else', async () => {
  const attempts: Record<string, string>[] = [{}, { authorization: `Bearer ${TOKEN}x` }, { authorization: TOKEN }, { cookie: `session=${TOKEN}` }];
  for (const headers of attempts) {
    expect((await verify(headers)).status).toBe(401);
  }
  expect((await verify({ authorization: `Bearer ${TOKEN}` }, '/other')).status).toBe(401);
});

it('refuses to start without a real token', async () => {
  const child = spawn(process.execPath, ['-e', VERIFIER_SOURCE], { env: { DASHBOARD_TOKEN: 'short' }, stdio: 'ignore' });
  const code = await new Promise((resolve) => child.once('exit', resolve));
  expect(code).toBe(1);
});
