/**
 * `POST /v1/run` with `tests`, on the fake platform: what the worker is sent (one request, every case
 * with the run's stdin, args and limits under its own), what the client gets (a verdict per case, a
 * summary), what is refused before any worker is used, and the published contract.
 */

import Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import { DEFAULT_CONFIG } from '../../../config';
import { MAX_TESTS_OUTPUT_BYTES } from '../../../registry-api/executor/test-cases';
import type { ProxyCaseResult } from '../../../registry-api/platform';
import { contractErrors, hello, makeTestApp, publishedRunAnswer, type TestApp } from './fakes';

let t: TestApp;
let validate: ValidateFunction;

beforeEach(async () => {
  t = await makeTestApp({ overrides: { maxTestCases: 5 } });
  validate = publishedRunAnswer((await t.app.inject({ url: '/docs/json' })).json());
});
afterEach(async () => t.close());

type Body = Record<string, unknown> & { cases?: Record<string, unknown>[]; summary?: unknown; error?: { code: string; message: string; details: Record<string, unknown> } };

async function run(payload: object): Promise<{ status: number; body: Body }> {
  const response = await t.app.inject({ method: 'POST', url: '/v1/run', payload });
  return { status: response.statusCode, body: response.json() };
}

function caseResult(overrides: Partial<ProxyCaseResult> = {}): ProxyCaseResult {
  return { status: 'ok', exitCode: 0, signal: null, stdout: '', stderr: '', stdoutTruncated: false, stderrTruncated: false, wallMs: 10, cpuMs: 4, memoryBytes: 1000, message: '', ...overrides };
}

const sum = {
  runtime: 'c',
  files: [{ name: 'main.c', content: '#include <stdio.h>\nint main(void) { int a, b; scanf("%d %d", &a, &b); printf("%d\\n", a + b); }\n' }],
  stdin: '0 0\n',
  args: ['--quiet'],
  limits: { wallMs: 2000 },
  mode: 'single',
};

describe('a judged run', () => {
  const tests = [
    { name: 'small', stdin: '1 2\n', expectedStdout: '3' },
    { stdin: '2 2\n', expectedStdout: '4\n', args: [] },
    { name: 'slow', stdin: '9 9\n', expectedStdout: '18\n', limits: { wallMs: 500, cpuMs: 400 } },
    { name: 'no expectation' },
  ];

  test('sends one request with every case, each with the run\'s stdin, args and limits under its own', async () => {
    t.platform.script({ result: { status: 'ok', exitCode: null, stdout: '', cases: tests.map(() => caseResult()) } });
    expect((await run({ ...sum, tests })).status).toBe(200);
    expect(t.platform.requests).toHaveLength(1);
    const [request] = t.platform.requests;
    expect(request!.cases).toEqual([
      { stdin: '1 2\n', args: ['--quiet'], limits: expect.objectContaining({ wallMs: 2000 }) },
      { stdin: '2 2\n', args: [], limits: expect.objectContaining({ wallMs: 2000 }) },
      { stdin: '9 9\n', args: ['--quiet'], limits: expect.objectContaining({ wallMs: 500, cpuMs: 400 }) },
      { stdin: '0 0\n', args: ['--quiet'], limits: expect.objectContaining({ wallMs: 2000 }) },
    ]);
    const defaults = t.platform.requests[0]!.limits;
    expect(request!.cases![2]!.limits).toEqual({ wallMs: 500, cpuMs: 400, memoryBytes: defaults.memoryBytes, outputBytes: defaults.outputBytes, processes: defaults.processes });
  });

  test('answers a verdict per case, a summary, the compile once and the cases\' times together', async () => {
    t.platform.script({
      result: {
        status: 'ok',
        exitCode: null,
        stdout: '',
        compile: { exitCode: 0, stdout: '', stderr: '', wallMs: 480 },
        cases: [
          caseResult({ stdout: '3\n' }),
          caseResult({ stdout: '5\n', wallMs: 12 }),
          caseResult({ status: 'timeout', exitCode: null, signal: 'SIGKILL', stdout: '', wallMs: 501, memoryBytes: 5000 }),
          caseResult({ status: 'runtime_error', exitCode: 1, stderr: 'boom' }),
        ],
      },
    });
    const { status, body } = await run({ ...sum, tests });
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'ok', stdout: '', exitCode: null, compile: { exitCode: 0 }, summary: { passed: 1, failed: 3, total: 4 } });
    expect(body.cases!.map((c) => [c.name, c.status, c.verdict])).toEqual([
      ['small', 'ok', 'passed'],
      ['test 2', 'ok', 'failed'],
      ['slow', 'timeout', 'timeout'],
      ['no expectation', 'runtime_error', 'runtime_error'],
    ]);
    expect(body.cases![3]).toMatchObject({ exitCode: 1, stderr: 'boom', timings: { runMs: 10 }, usage: { cpuMs: 4, memoryBytes: 1000 } });
    expect(body.timings).toMatchObject({ compileMs: 480, runMs: 10 + 12 + 501 + 10 });
    expect(body.usage).toEqual({ cpuMs: 16, memoryBytes: 5000 });
    expect(contractErrors(validate, body)).toEqual([]);
  });

  test('compares as `compare` says', async () => {
    const answer = (stdout: string) => ({ result: { status: 'ok' as const, cases: [caseResult({ stdout })] } });
    const verdict = async (compare: string | undefined, stdout: string) => {
      t.platform.script(answer(stdout));
      const { body } = await run({ ...sum, tests: [{ expectedStdout: '1 2\n3\n' }], ...(compare === undefined ? {} : { compare }) });
      return body.cases![0]!.verdict;
    };
    expect(await verdict(undefined, '1 2  \n3\n\n')).toBe('passed'); // trim is the default
    expect(await verdict('exact', '1 2  \n3\n\n')).toBe('failed');
    expect(await verdict('exact', '1 2\n3\n')).toBe('passed');
    expect(await verdict('tokens', '1\n2 3')).toBe('passed');
    expect(await verdict('trim', '1\n2 3')).toBe('failed');
  });

  test('a compile error answers once: no case ran, none passed', async () => {
    t.platform.script({ result: { status: 'compile_error', exitCode: null, stdout: '', compile: { exitCode: 1, stdout: '', stderr: 'main.c:1: error', wallMs: 90 } } });
    const { status, body } = await run({ ...sum, tests });
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'compile_error', compile: { stderr: 'main.c:1: error' }, cases: [], summary: { passed: 0, failed: 4, total: 4 } });
    expect(contractErrors(validate, body)).toEqual([]);
  });

  test('a worker that answers fewer cases than it was sent (an image older than test cases) is our failure', async () => {
    t.platform.script({ result: { status: 'ok', cases: [caseResult()] } });
    const { status, body } = await run({ ...sum, tests });
    expect(status).toBe(500);
    expect(body.error?.code).toBe('workers_failed');
    expect(body.error?.message).toMatch(/answered 1 test case results for 4 cases/);
  });

  test('without tests, a run is what it was: no cases sent, none answered', async () => {
    t.platform.script({});
    const { body } = await run({ ...hello, mode: 'single' });
    expect(t.platform.requests[0]!.cases).toBeUndefined();
    expect(body).not.toHaveProperty('cases');
    expect(body).not.toHaveProperty('summary');
    expect(body.stdout).toBe('hello\n');
  });
});

describe('the wall-time budget of a batch', () => {
  const noWall = { ...sum, limits: {} };
  const sentWalls = () => t.platform.requests[0]!.cases!.map((testCase) => testCase.limits.wallMs);

  beforeEach(async () => {
    await t.close();
    t = await makeTestApp({ overrides: { maxTestCases: 64 } });
  });

  test('64 cases naming no wall time share the 20 s a run may take (not the default 5 s each, which would refuse them)', async () => {
    const tests = Array.from({ length: 64 }, () => ({}));
    t.platform.script({ result: { status: 'ok', exitCode: null, stdout: '', cases: tests.map(() => caseResult()) } });
    expect((await run({ ...noWall, tests })).status).toBe(200);
    expect(sentWalls()).toEqual(Array.from({ length: 64 }, () => Math.floor(20_000 / 64)));
  });

  test('a few cases keep the default wall time: the share is only ever smaller', async () => {
    t.platform.script({ result: { status: 'ok', exitCode: null, stdout: '', cases: [caseResult(), caseResult()] } });
    expect((await run({ ...noWall, tests: [{}, {}] })).status).toBe(200);
    expect(sentWalls()).toEqual([DEFAULT_CONFIG.defaultLimits.wallMs, DEFAULT_CONFIG.defaultLimits.wallMs]);
  });

  test('cases that name their wall time keep it; the others share what is left', async () => {
    const tests = [{ limits: { wallMs: 8000 } }, {}, {}, {}, { limits: { wallMs: 3000 } }, {}];
    t.platform.script({ result: { status: 'ok', exitCode: null, stdout: '', cases: tests.map(() => caseResult()) } });
    expect((await run({ ...noWall, tests })).status).toBe(200);
    expect(sentWalls()).toEqual([8000, 2250, 2250, 2250, 3000, 2250]);
  });

  test("the run's own wall time is named for every case: it is not shared, and too much is refused", async () => {
    const { status, body } = await run({ ...sum, limits: { wallMs: 5000 }, tests: [{}, {}, {}, {}, {}] });
    expect([status, body.error?.code]).toEqual([400, 'limit_exceeds_maximum']);
  });

  test('named cases that take the whole budget leave nothing to share: refused, naming the budget', async () => {
    const { status, body } = await run({ ...noWall, tests: [{ limits: { wallMs: 20_000 } }, {}] });
    expect([status, body.error?.code]).toEqual([400, 'limit_exceeds_maximum']);
    expect(body.error?.details).toMatchObject({ field: 'tests', limit: 'wallMs', maximum: 20_000 });
    expect(t.platform.acquireCalls).toBe(0);
  });
});

describe('refused before any worker is leased', () => {
  async function refused(payload: object, code: string): Promise<{ message: string; details: Record<string, unknown> }> {
    const { status, body } = await run(payload);
    expect([status, body.error?.code]).toEqual([400, code]);
    expect(t.platform.acquireCalls).toBe(0);
    return body.error!;
  }

  test('more test cases than CODERING_MAX_TEST_CASES', async () => {
    const error = await refused({ ...sum, tests: Array.from({ length: 6 }, () => ({})) }, 'too_many_test_cases');
    expect(error.message).toBe('at most 5 test cases are allowed, got 6');
    expect(error.details).toEqual({ field: 'tests', maximum: 5, count: 6 });
  });

  test('cases whose wall limits add up to more than a run may take', async () => {
    const error = await refused({ ...sum, limits: { wallMs: 5000 }, tests: [{}, {}, {}, {}, {}] }, 'limit_exceeds_maximum');
    expect(error.details).toMatchObject({ field: 'tests', limit: 'wallMs', maximum: 20_000, value: 25_000 });
    expect(error.message).toMatch(/add up to 25000 ms, above the 20000 ms a judged run may take/);
  });

  test("cases whose outputs could make an answer larger than a worker's", async () => {
    await t.close();
    t = await makeTestApp({ overrides: { maxTestCases: 64, maxLimits: { ...DEFAULT_CONFIG.maxLimits, wallMs: 600_000 } } });
    const tests = Array.from({ length: 9 }, () => ({ limits: { outputBytes: 1024 * 1024, wallMs: 100 } }));
    const error = await refused({ ...sum, tests }, 'limit_exceeds_maximum');
    expect(error.details).toMatchObject({ limit: 'outputBytes', maximum: MAX_TESTS_OUTPUT_BYTES, value: 9 * 1024 * 1024 });
  });

  test("a case's limit above the operator's maximum, named by its place", async () => {
    const error = await refused({ ...sum, tests: [{}, { limits: { cpuMs: 10 ** 9 } }] }, 'limit_exceeds_maximum');
    expect(error.message).toBe('tests[1].limits.cpuMs = 1000000000 is above the maximum 20000');
  });

  test("a case's args with a NUL byte, named by its place", async () => {
    const error = await refused({ ...sum, tests: [{ args: ['ok', 'a\u0000b'] }] }, 'invalid_request');
    expect(error).toMatchObject({ message: 'tests[0].args[1] contains a NUL byte', details: { field: 'tests/0/args/1' } });
  });

  test.each([
    ['no cases at all', { tests: [] }],
    ['an unknown field in a case', { tests: [{ expected: '3' }] }],
    ['an unknown comparison', { tests: [{}], compare: 'fuzzy' }],
    ['an empty name', { tests: [{ name: '' }] }],
  ])('%s is a schema error', async (_label, extra) => {
    await refused({ ...sum, ...extra }, 'invalid_request');
  });
});

describe('the published contract', () => {
  test('documents the tests, their maximum, the comparison and its default', async () => {
    const document = (await t.app.inject({ url: '/docs/json' })).json();
    const body = document.paths['/v1/run'].post.requestBody.content['application/json'];
    expect(body.schema.properties.tests.description).toMatch(/CODERING_MAX_TEST_CASES \(64 by default\)/);
    expect(body.schema.properties.compare).toMatchObject({ enum: ['exact', 'trim', 'tokens'], default: 'trim' });
    expect(body.schema.properties.tests.items.properties.expectedStdout.description).toMatch(/compare/);
    // the example is a request the API accepts as written
    const example = body.example as Record<string, unknown>;
    expect(example.tests).toHaveLength(3);
    expect(new Ajv({ strict: false }).validate(body.schema, example)).toBe(true);
    t.platform.script({ result: { status: 'ok', cases: [caseResult({ stdout: '3\n' }), caseResult({ stdout: '-2\n' }), caseResult({ stdout: '2000000000\n' })] } });
    const { status, body: answer } = await run(example);
    expect(status).toBe(200);
    expect(answer.summary).toEqual({ passed: 3, failed: 0, total: 3 });
  });
});
