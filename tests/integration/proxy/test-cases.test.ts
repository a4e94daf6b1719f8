/**
 * Test cases (`case` fields), through the binary: one compile, then one run per case with its own
 * stdin, args and limits, answered as one result with a `cases` array. Between cases the worker is
 * cleaned and proven fresh, and the box written again as compile left it: what a case leaves
 * (a daemon, files anywhere, a changed program, a changed /box) never reaches the next one.
 */
import { useProxyHarness, type ServeSession } from './proxy-harness';
import { rawRequest, shellBatch, shellRequest, text } from './proxy-requests';

jest.setTimeout(120_000);

const proxy = useProxyHarness();
const compiled = { env: { CODERING_COMPILED: '1' } };

type Json = Record<string, unknown>;
const casesOf = (result: Json): Json[] => result.cases as Json[];

async function withSession(options: Parameters<ReturnType<typeof proxy>['serve']>[0], test: (session: ServeSession) => Promise<void>): Promise<void> {
  const session = proxy().serve(options);
  try {
    await test(session);
  } finally {
    await session.close();
  }
}

/** Says which case it is, its args, its stdin, what compile built; ends as its first arg asks. */
const ECHO_CASE = [
  'echo "args: $*"',
  'echo "stdin: $(cat)"',
  'echo "built: $(stat -c %a .built) $(cmp -s .built main.sh && echo same)"',
  'case "$1" in fail) echo boom >&2; exit 3 ;; hang) sleep 30 ;; esac',
].join('\n');

test('compiles once, then runs each case with its own stdin, args and limits, in order', async () => {
  await withSession(compiled, async (session) => {
    const { result, state } = await session.run(
      shellBatch(ECHO_CASE, [
        { args: ['first', 'x y'], stdin: 'one' },
        { args: ['fail'], stdin: 'two' },
        { args: ['hang'], limits: { wallMs: 400 } },
        {},
      ]),
    );
    expect(result).toMatchObject({ status: 'ok', exitCode: null, stdout: '', compile: { exitCode: 0 } });
    expect(text((result.compile as Json).stdout)).toBe('compiled main.sh\n');
    const cases = casesOf(result);
    expect(cases.map((c) => c.status)).toEqual(['ok', 'runtime_error', 'timeout', 'ok']);
    expect(text(cases[0]!.stdout)).toBe('args: first x y\nstdin: one\nbuilt: 750 same\n');
    expect(cases[1]).toMatchObject({ exitCode: 3, stderr: Buffer.from('boom\n').toString('base64') });
    expect(cases[2]).toMatchObject({ exitCode: null, signal: 'SIGKILL', message: 'the program ran longer than 400 ms' });
    expect(cases[2]!.wallMs).toBeGreaterThanOrEqual(400);
    expect(cases[2]!.wallMs).toBeLessThan(5000);
    expect(text(cases[3]!.stdout)).toBe('args: \nstdin: \nbuilt: 750 same\n');
    // each case is shaped like a result of its own (compile null)
    expect(Object.keys(cases[0]!)).toEqual(Object.keys(result).filter((key) => key !== 'cases'));
    expect(state).toMatchObject({ state: 'clean' });
  });
});

/** What a case can see of the worker: every writable path, /box's mode, the program, the other processes. */
const INSPECT = [
  'find /box /tmp /dev/shm /dev/mqueue -mindepth 1 -exec stat -c "%n %a" {} + | sort',
  'stat -c "%n %a %u" /box',
  'md5sum .built main.sh',
  'echo "sleeping: $(cat /proc/[0-9]*/comm 2>/dev/null | grep -c "^sleep$")"',
  'ipcs -q | grep -c "^0x" || true',
].join('; ');

const LEAVE = [
  'mkdir -p /box/deep/er /tmp/t && echo x > /box/deep/er/f && echo y > /tmp/t/g && echo z > /dev/shm/segment',
  'echo tampered > .built && chmod 777 .built && echo "echo tampered" > main.sh', // the program itself changed
  'chmod 000 /box/deep/er /tmp/t',
  'setsid sleep 300 > /dev/null 2>&1 < /dev/null &', // a daemon left for the next case
  'ipcmk -Q > /dev/null', // a System V message queue
  'chmod 700 /box',
  'echo left',
].join('\n');

test('what a case leaves (a daemon, files, a changed program, a changed box) never reaches the next case', async () => {
  // one compound command: sh has read all of it before the case rewrites main.sh
  const program = `case "$1" in\nleave)\n${LEAVE}\n;;\n*)\n${INSPECT}\n;;\nesac\n`;
  await withSession(compiled, async (session) => {
    const { result, state } = await session.run(shellBatch(program, [{ args: ['inspect'] }, { args: ['leave'] }, { args: ['inspect'] }]));
    const [before, leave, after] = casesOf(result);
    expect(leave).toMatchObject({ status: 'ok' });
    expect(text(leave!.stdout)).toBe('left\n');
    const seen = text(before!.stdout);
    expect(seen).toContain('/box/.built 750\n/box/main.sh 644\n/box 755 1000\n');
    expect(seen).toContain('sleeping: 0\n');
    expect(text(after!.stdout)).toBe(seen);
    expect(state).toMatchObject({ state: 'clean' });
  });
});

test('a compile error answers once, with the compiler\'s output, and runs no case', async () => {
  const result = await proxy().onceResult(shellBatch('echo ran', [{}, {}, {}], { files: [{ name: 'fail-compile', content: '' }] }), compiled);
  expect(result).toMatchObject({ status: 'compile_error', exitCode: null, stdout: '', compile: { exitCode: 1 } });
  expect(text((result.compile as Json).stderr)).toBe('cannot compile\n');
  expect(result.cases).toBeUndefined();
});

test('--once (Nuclio\'s mode) runs the cases the same way', async () => {
  const result = await proxy().onceResult(shellBatch(ECHO_CASE, [{ args: ['a'], stdin: '1' }, { args: ['fail'] }]), compiled);
  expect(casesOf(result).map((c) => [c.status, text(c.stdout).split('\n')[0]])).toEqual([
    ['ok', 'args: a'],
    ['runtime_error', 'args: fail'],
  ]);
});

test('an interpreted runtime runs each case in a prewarmed interpreter, started after the last case was cleaned', async () => {
  await withSession({ env: { CODERING_PREWARM: '1' } }, async (session) => {
    const program = 'echo "$1 prewarmed=$PREWARMED sleeping=$(cat /proc/[0-9]*/comm 2>/dev/null | grep -c "^sleep$")"; setsid sleep 300 > /dev/null 2>&1 < /dev/null &';
    // the first interpreter waits with the default limits (5 s of CPU): the request's are those
    const { result, state } = await session.run(shellBatch(program, [{ args: ['one'] }, { args: ['two'] }, { args: ['three'] }], { limits: { cpuMs: 5000 } }));
    expect(result.compile).toBeNull();
    expect(casesOf(result).map((c) => text(c.stdout))).toEqual([
      'one prewarmed=yes sleeping=0\n',
      'two prewarmed=yes sleeping=0\n',
      'three prewarmed=yes sleeping=0\n',
    ]);
    expect(state).toMatchObject({ state: 'clean' });
    // and the next request finds its interpreter waiting as usual
    const next = await session.run(shellRequest('echo "prewarmed=$PREWARMED"', { limits: { cpuMs: 5000 } }));
    expect(text(next.result.stdout)).toBe('prewarmed=yes\n');
  });
});

test('a cancel during a case answers cancelled for the batch; the worker is cleaned and serves on', async () => {
  await withSession(compiled, async (session) => {
    session.send(shellBatch('echo "case $1"; [ "$1" = 2 ] && sleep 30; exit 0', [{ args: ['1'] }, { args: ['2'] }, { args: ['3'] }]));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    session.send('cancel\n');
    const result = await session.frame();
    expect(result.status).toBe('cancelled');
    expect(casesOf(result).map((c) => text(c.stdout))).toEqual(['case 1\n', 'case 2\n']);
    expect(await session.frame()).toMatchObject({ state: 'clean' });
    expect((await session.run(shellRequest('echo again'))).result).toMatchObject({ status: 'ok' });
  });
});

test('a malformed case field is a malformed request', async () => {
  const request = rawRequest([
    ['main', 'main.sh'],
    ['file', Buffer.concat([Buffer.from('main.sh'), Buffer.from([0]), Buffer.from('echo hi')])],
    ['case', 'stdin 99\nshort\n'],
  ]);
  expect(await proxy().onceResult(request)).toMatchObject({ status: 'internal_error', message: 'bad case field' });
});
