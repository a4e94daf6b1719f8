/** Answers of `POST /v1/run` keep the contract published at `/docs/json`, not only fastify's own copy. */

import type { ValidateFunction } from 'ajv';
import { contractErrors, hello, makeTestApp, publishedRunAnswer, type TestApp } from './fakes';

let t: TestApp;
let validate: ValidateFunction;

beforeEach(async () => {
  t = await makeTestApp();
  validate = publishedRunAnswer((await t.app.inject({ url: '/docs/json' })).json());
});
afterEach(async () => t.close());

async function runAnswer(payload: object): Promise<Record<string, unknown>> {
  const response = await t.app.inject({ method: 'POST', url: '/v1/run', payload });
  expect(response.statusCode).toBe(200);
  return response.json();
}

test('a run answer validates against the published 200 schema', async () => {
  t.platform.script({ delayMs: 2 }, { delayMs: 300 });
  const body = await runAnswer(hello);
  expect(body.usage).toEqual({ cpuMs: 10, memoryBytes: 1024 });
  expect(contractErrors(validate, body)).toEqual([]);
});

test('a compiled program that crashed, run single, validates too (compile output, nulls)', async () => {
  t.platform.script({
    result: { status: 'runtime_error', exitCode: null, signal: 'SIGSEGV', compile: { exitCode: 0, stdout: '', stderr: 'warning', wallMs: 400 } },
  });
  const body = await runAnswer({ runtime: 'c', files: [{ name: 'main.c', content: 'int main(){}' }], mode: 'single' });
  expect(body).toMatchObject({ status: 'runtime_error', exitCode: null, compile: { stderr: 'warning' }, race: { mode: 'single' } });
  expect(contractErrors(validate, body)).toEqual([]);
});

test('a body that breaks the contract fails the published schema', async () => {
  t.platform.script({ delayMs: 2 }, { delayMs: 300 });
  const body = await runAnswer(hello);
  const { usage: _usage, ...withoutUsage } = body;
  const broken: Record<string, unknown>[] = [
    withoutUsage,
    { ...body, status: 'cancelled' },
    { ...body, race: { ...(body.race as object), mode: 'triple' } },
    { ...body, exitCode: '0' },
  ];
  for (const answer of broken) expect(contractErrors(validate, answer)).not.toEqual([]);
});
