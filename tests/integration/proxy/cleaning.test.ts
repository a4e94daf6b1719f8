/**
 * Cleaning and proving the worker clean, through the binary (--serve): each answer is followed by
 * a state frame; what a program left (files at any depth, in every writable path, with its
 * permissions taken away; processes; a changed /box) is gone for the next request; a worker that
 * can't be proven clean says why and ends.
 */
import { useProxyHarness, type ServeSession } from './proxy-harness';
import { shellRequest, text } from './proxy-requests';

jest.setTimeout(120_000);

const proxy = useProxyHarness();

/** What the next tenant can see: every writable path's entries, /box's mode, the other processes. */
const INSPECT = [
  'find /box /tmp /dev/shm /dev/mqueue -mindepth 1 | sort',
  'stat -c "%n %a %u" /box',
  'echo "sleeping: $(cat /proc/[0-9]*/comm 2>/dev/null | grep -c "^sleep$")"',
].join('; ');

async function withSession(test: (session: ServeSession) => Promise<void>): Promise<void> {
  const session = proxy().serve();
  try {
    await test(session);
  } finally {
    await session.close();
  }
}

test('an answer is followed by a clean state frame, framed like a result', async () => {
  await withSession(async (session) => {
    const { result, state } = await session.run(shellRequest('echo hello'));
    expect(result.status).toBe('ok');
    expect(Object.keys(state)).toEqual(['state', 'cleanMs']);
    expect(state.state).toBe('clean');
    expect(state.cleanMs).toEqual(expect.any(Number));
    // nothing else on the stream: exactly two frames
    const body = (json: Record<string, unknown>) => Buffer.byteLength(JSON.stringify(json));
    expect(session.output().toString('utf8')).toMatch(new RegExp(`^codering/1 ${body(result)}\\n.*\\ncodering/1 ${body(state)}\\n\\{"state":"clean","cleanMs":\\d+\\}\\n$`, 's'));
  });
});

test('what a program leaves is gone for the next request, which sees a fresh worker', async () => {
  await withSession(async (session) => {
    const fresh = await session.run(shellRequest(INSPECT));
    expect(text(fresh.result.stdout)).toBe('/box/main.sh\n/box 755 1000\nsleeping: 0\n');

    const leave = [
      'mkdir -p /box/deep/er/est /tmp/t/u && echo x > /box/deep/er/est/f && echo y > /tmp/t/u/g',
      'echo z > /dev/shm/segment && ln -s /etc/passwd /box/link && touch /tmp/.hidden',
      'chmod 000 /box/deep/er /tmp/t', // its own permissions taken away: the cleaner gives them back
      'chmod 700 /box', // /box itself changed
      'setsid sleep 300 > /dev/null 2>&1 < /dev/null &', // a daemon left behind
      'echo left',
    ].join('\n');
    const dirty = await session.run(shellRequest(leave));
    expect(text(dirty.result.stdout)).toBe('left\n');
    expect(dirty.state.state).toBe('clean');

    const next = await session.run(shellRequest(INSPECT));
    expect(text(next.result.stdout)).toBe(text(fresh.result.stdout));
  });
});

test('a worker that can\'t be proven clean is retired with the reason, and the proxy ends', async () => {
  // a file of root's in /tmp (sticky): the sandbox user can never remove it, so no proof is possible
  const session = proxy().serve({ before: 'touch /tmp/roots-own' });
  session.send(shellRequest('echo ran'));
  expect(await session.frame()).toMatchObject({ status: 'ok' });
  expect(await session.frame()).toEqual({ state: 'retired', reason: '/tmp still has 1 entries' });
  const ended = await session.ended();
  expect(ended.code).toBe(0);
});

test('--once refuses a request on a worker it cannot make clean', async () => {
  // root's folder, with something in it, in /box: the sandbox user can neither empty nor remove it
  const ran = await proxy().once(shellRequest('echo never'), { before: 'mkdir -p /box/roots/inside && chmod 700 /box/roots' });
  expect(JSON.parse(ran.stdout.toString())).toMatchObject({ status: 'internal_error', message: 'the worker is not clean' });
  expect(ran.stderr).toContain('codering-proxy: not clean: /box still has 1 entries');
});

/**
 * What an event killed by the platform leaves (Nuclio's eventTimeout SIGKILLs the handler, that is the
 * proxy, and nothing else): the program, a daemon in a session of its own, files everywhere. A sleeper
 * of the sandbox user's in PID 1's session stands for the platform's own processes (Nuclio's processor
 * runs as that user in a non-root pod): it must be left alone.
 */
const LEFT_BY_A_KILLED_EVENT = [
  'sleep 300 > /dev/null 2>&1 < /dev/null &',
  'setsid sh -c "sleep 300 & sleep 300" > /dev/null 2>&1 < /dev/null &',
  'mkdir -p /box/deep/er /tmp/t && echo x > /box/deep/er/f && echo y > /tmp/t/f && chmod 000 /box/deep',
].join('\n');

test.each([
  ['as root, the program as the sandbox user', { before: `setpriv --reuid=1000 --regid=1000 --clear-groups sh -c '${LEFT_BY_A_KILLED_EVENT}'` }],
  ['as the sandbox user itself, in a non-root pod', { pod: true, before: LEFT_BY_A_KILLED_EVENT }],
])('--once %s: first ends and empties what a killed earlier event left, then runs', async (_how, options) => {
  const ran = await proxy().once(shellRequest(INSPECT), options);
  const result = JSON.parse(ran.stdout.toString()) as Record<string, unknown>;
  expect(result.status).toBe('ok');
  // the platform's sleeper is still there; the event's two are gone, and so are its files
  expect(text(result.stdout)).toMatch(/^\/box\/main\.sh\n\/box \d+ \d+\nsleeping: 1\n$/);
  expect(ran.stderr).toMatch(/codering-proxy: cleaning what an earlier request left: (\/box still has \d+ entries|process \d+ is still alive)/);
});

test('--once in a non-root pod runs beside the platform\'s processes of its own uid', async () => {
  const ran = await proxy().once(shellRequest('echo ran'), { pod: true, before: 'sleep 300 > /dev/null 2>&1 < /dev/null & true' });
  expect(JSON.parse(ran.stdout.toString())).toMatchObject({ status: 'ok', stdout: Buffer.from('ran\n').toString('base64') });
  expect(ran.stderr).not.toContain('cleaning');
});
