import { hello, makeTestApp, type TestApp } from './fakes';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp({
    overrides: { maxFiles: 3, maxFilesBytes: 100, maxArgs: 2, maxArgBytes: 10, maxStdinBytes: 8, bodyLimitBytes: 4096 },
  });
});
afterAll(async () => t.close());

async function run(body: unknown) {
  const response = await t.app.inject({ method: 'POST', url: '/v1/run', payload: body as object });
  return { status: response.statusCode, body: response.json() };
}

/** Every refusal happens before any worker is leased and before any build. */
async function refused(body: unknown, status: number, code: string) {
  const leasesBefore = t.platform.acquireCalls;
  const buildsBefore = t.builder.calls.length;
  const answer = await run(body);
  expect(answer.body.error?.code).toBe(code);
  expect(answer.status).toBe(status);
  expect(t.platform.acquireCalls).toBe(leasesBefore);
  expect(t.builder.calls.length).toBe(buildsBefore);
  return answer.body.error as { code: string; message: string; details: Record<string, unknown> };
}

const withFile = (name: string) => ({ runtime: 'python@3', files: [{ name, content: 'x' }], main: 'main.py' });

describe('file names', () => {
  test.each([
    ['../x'],
    ['/abs'],
    ['a/../../b'],
    ['./a'],
    ['a//b'],
    ['a/'],
    ['a\\b'],
    ['a\0b'],
    ['a\nb'],
    ['a\u007fb'],
    [''],
    ['x'.repeat(256)],
    ['é'.repeat(128)],
  ])('%j is refused', async (name) => {
    const error = await refused({ ...withFile(name), main: undefined }, 400, 'invalid_file_name');
    expect(error.details.field).toBe('files/0/name');
  });

  test.each([['a.py'], ['src/util.py'], ['.hidden'], ['a b.py'], ['x'.repeat(255)]])('%j is accepted', async (name) => {
    const { status } = await run({ runtime: 'python@3', files: [{ name, content: 'x' }] });
    expect(status).toBe(200);
  });

  test('duplicates are refused', async () => {
    await refused(
      { runtime: 'python@3', files: [{ name: 'main.py', content: '' }, { name: 'main.py', content: '' }] },
      400,
      'invalid_file_name',
    );
  });

  test.each([
    [['lib', 'lib/util.py']],
    [['lib/util.py', 'lib']],
    [['a/b', 'a/b/c/d.py']],
  ])('a file that is also another file\'s folder is refused: %j', async (names) => {
    const files = [...names.map((name) => ({ name, content: '' })), { name: 'main.py', content: '' }];
    const error = await refused({ runtime: 'python@3', files }, 400, 'conflicting_file_paths');
    expect(error.details.name).toMatch(/\//);
  });

  test('folders shared by several files are fine', async () => {
    const files = ['lib/a.py', 'lib/sub/c.py', 'main.py'].map((name) => ({ name, content: '' }));
    expect((await run({ runtime: 'python@3', files })).status).toBe(200);
  });
});

describe('sizes and counts', () => {
  test('too many files', async () => {
    const files = ['a', 'b', 'c', 'main.py'].map((name) => ({ name, content: '' }));
    const error = await refused({ runtime: 'python@3', files }, 400, 'too_many_files');
    expect(error.details).toMatchObject({ maximum: 3, count: 4 });
  });

  test('files too large together (UTF-8 bytes)', async () => {
    const files = [{ name: 'main.py', content: 'é'.repeat(51) }];
    await refused({ runtime: 'python@3', files }, 413, 'file_too_large');
  });

  test('no files', async () => {
    await refused({ runtime: 'python@3', files: [] }, 400, 'invalid_request');
  });

  test('stdin too large', async () => {
    const error = await refused({ ...hello, stdin: '123456789' }, 400, 'invalid_request');
    expect(error.details.field).toBe('stdin');
  });

  test('too many args, args too large', async () => {
    expect((await refused({ ...hello, args: ['a', 'b', 'c'] }, 400, 'invalid_request')).details.field).toBe('args');
    expect((await refused({ ...hello, args: ['123456', '123456'] }, 400, 'invalid_request')).details.field).toBe('args');
  });

  test('a body over the limit is 413 payload_too_large', async () => {
    await refused({ ...hello, stdin: 'x'.repeat(5000) }, 413, 'payload_too_large');
  });
});

describe('main', () => {
  test('defaults to the runtime main file, else the only file', async () => {
    await run({ runtime: 'python@3', files: [{ name: 'util.py', content: '' }, { name: 'main.py', content: '' }] });
    expect(t.platform.requests.at(-1)?.main).toBe('main.py');
    await run({ runtime: 'python@3', files: [{ name: 'solution.py', content: '' }] });
    expect(t.platform.requests.at(-1)?.main).toBe('solution.py');
  });

  test('must be among the files', async () => {
    await refused({ ...hello, main: 'other.py' }, 400, 'main_not_found');
    await refused(
      { runtime: 'python@3', files: [{ name: 'a.py', content: '' }, { name: 'b.py', content: '' }] },
      400,
      'main_not_found',
    );
  });
});

describe('limits', () => {
  test('defaults apply to what the request leaves out', async () => {
    await run({ ...hello, limits: { wallMs: 1000 } });
    expect(t.platform.requests.at(-1)?.limits).toMatchObject({ wallMs: 1000, cpuMs: 5000, memoryBytes: 128 * 1024 * 1024 });
  });

  test('above the maximum: limit_exceeds_maximum naming the limit and the maximum', async () => {
    const error = await refused({ ...hello, limits: { memoryBytes: 4 * 1024 ** 3 } }, 400, 'limit_exceeds_maximum');
    expect(error.details).toMatchObject({ limit: 'memoryBytes', maximum: 512 * 1024 * 1024 });
    expect(error.message).toMatch(/memoryBytes/);
  });

  test.each([[{ wallMs: 0 }], [{ wallMs: 1.5 }], [{ wallMs: '100' }], [{ swapBytes: 1 }]])(
    'a malformed limit %j is invalid_request',
    async (limits) => {
      await refused({ ...hello, limits }, 400, 'invalid_request');
    },
  );
});

describe('schema, runtime and libraries', () => {
  test('an unknown field is named', async () => {
    const error = await refused({ ...hello, timeout: 5 }, 400, 'invalid_request');
    expect(error.details.field).toBe('timeout');
    expect(error.message).toMatch(/body\.timeout/);
  });

  test('a missing field is named', async () => {
    const error = await refused({ runtime: 'python@3' }, 400, 'invalid_request');
    expect(error.details.field).toBe('files');
  });

  test('a wrong type is named, not coerced', async () => {
    const error = await refused({ ...hello, stdin: 5 }, 400, 'invalid_request');
    expect(error.details.field).toBe('stdin');
  });

  test('neither runtime nor image', async () => {
    await refused({ files: hello.files }, 400, 'invalid_request');
  });

  test('an unknown runtime, a bad range, an unsatisfiable range', async () => {
    await refused({ ...hello, runtime: 'cobol@1' }, 404, 'unknown_runtime');
    await refused({ ...hello, runtime: 'python@^^3' }, 400, 'invalid_version_range');
    await refused({ ...hello, runtime: 'python@2' }, 404, 'unsatisfiable_version');
  });

  test('bad libraries', async () => {
    await refused({ ...hello, libraries: ['requests; rm -rf /'] }, 400, 'invalid_library');
    await refused({ runtime: 'c', files: [{ name: 'main.c', content: '' }], libraries: ['zlib'] }, 400, 'libraries_not_supported');
  });

  test('an image nobody built', async () => {
    await refused({ image: 'evil.example/x:1', files: hello.files }, 404, 'not_found');
  });

  test('a bad mode', async () => {
    await refused({ ...hello, mode: 'triple' }, 400, 'invalid_request');
  });
});
