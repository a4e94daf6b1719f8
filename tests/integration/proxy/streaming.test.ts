/**
 * Streamed and interactive runs, through the binary in --serve: output frames as the program writes
 * (before its result, within the output limit), stdin frames into a program that runs, `stdin-eof`,
 * and what comes too late (after the run) skipped without harm to the next request.
 */
import { encodeStdinFrame, STDIN_EOF_LINE } from '../../../proxy';
import { type ServeSession, useProxyHarness } from './proxy-harness';
import { shellRequest, text } from './proxy-requests';

jest.setTimeout(120_000);

const proxy = useProxyHarness();

interface Seen {
  frame: Record<string, unknown>;
  at: number;
}

/** Frames until the result (the output frames before it, then the result), each with its arrival time. */
async function untilResult(session: ServeSession): Promise<{ outputs: Seen[]; result: Seen }> {
  const outputs: Seen[] = [];
  for (;;) {
    const frame = await session.frame();
    const seen = { frame, at: performance.now() };
    if (!('stream' in frame)) return { outputs, result: seen };
    outputs.push(seen);
  }
}

const joined = (outputs: Seen[], stream: string): string =>
  outputs
    .filter(({ frame }) => frame.stream === stream)
    .map(({ frame }) => text(frame.data))
    .join('');

async function withSession(env: Record<string, string>, body: (session: ServeSession) => Promise<void>): Promise<void> {
  const session = proxy().serve({ env });
  try {
    await body(session);
  } finally {
    await session.close();
  }
}

describe('stream 1', () => {
  test('output frames arrive as the program writes, in order, before its result; the result still has it all', () =>
    withSession({}, async (session) => {
      session.send(shellRequest('echo one; sleep 0.4; echo two >&2; sleep 0.4; echo three', { streaming: { stream: true } }));
      const { outputs, result } = await untilResult(session);
      expect(outputs.map(({ frame }) => [frame.stream, frame.phase, text(frame.data)])).toEqual([
        ['stdout', 'run', 'one\n'],
        ['stderr', 'run', 'two\n'],
        ['stdout', 'run', 'three\n'],
      ]);
      expect(result.at - (outputs[0] as Seen).at).toBeGreaterThan(600);
      expect(result.frame).toMatchObject({ status: 'ok' });
      expect([text(result.frame.stdout), text(result.frame.stderr)]).toEqual(['one\nthree\n', 'two\n']);
      expect(await session.frame()).toMatchObject({ state: 'clean' });
    }));

  test('streams no more than the output limit, both outputs together: then output_limit', () =>
    withSession({}, async (session) => {
      session.send(shellRequest('echo to-stderr >&2; yes', { limits: { outputBytes: 1000 }, streaming: { stream: true } }));
      const { outputs, result } = await untilResult(session);
      const streamed = outputs.reduce((sum, { frame }) => sum + Buffer.from(String(frame.data), 'base64').length, 0);
      expect(streamed).toBe(1000);
      expect(result.frame).toMatchObject({ status: 'output_limit' });
      expect(await session.frame()).toMatchObject({ state: 'clean' });
    }));

  test("a compiled runtime: the compiler's output streams first, as phase compile, then the program's", () =>
    withSession({ CODERING_COMPILED: '1' }, async (session) => {
      session.send(shellRequest('echo ran; echo oops >&2', { streaming: { stream: true } }));
      const { outputs, result } = await untilResult(session);
      expect(outputs.map(({ frame }) => [frame.stream, frame.phase, text(frame.data)])).toEqual([
        ['stdout', 'compile', 'compiled main.sh\n'],
        ['stdout', 'run', 'ran\n'],
        ['stderr', 'run', 'oops\n'],
      ]);
      expect(text((result.frame.compile as Record<string, unknown>).stdout)).toBe('compiled main.sh\n');
      expect(text(result.frame.stdout)).toBe('ran\n');
      expect(await session.frame()).toMatchObject({ state: 'clean' });
    }));

  test('a streamed run tells runtime.sh so (it starts the program line-buffered), and starts cold where an image prewarms', () =>
    withSession({ CODERING_PREWARM: '1' }, async (session) => {
      const script = 'echo "stream=$CODERING_STREAM interactive=$CODERING_INTERACTIVE${PREWARMED:+ prewarmed}"';
      // the first interpreter waits with the proxy's own default limits; the next, with this request's
      await session.run(shellRequest(script));
      await new Promise((resolve) => setTimeout(resolve, 500));
      const plain = await session.run(shellRequest(script));
      expect(text(plain.result.stdout)).toBe('stream= interactive= prewarmed\n');
      session.send(shellRequest(script, { streaming: { stream: true } }));
      const streamed = await untilResult(session);
      expect(text(streamed.result.frame.stdout)).toBe('stream=1 interactive=\n');
      expect(await session.frame()).toMatchObject({ state: 'clean' });
      await new Promise((resolve) => setTimeout(resolve, 500));
      session.send(shellRequest(script, { streaming: { stream: true, interactive: true } }));
      session.send(STDIN_EOF_LINE);
      const interactive = await untilResult(session);
      expect(text(interactive.result.frame.stdout)).toBe('stream=1 interactive=1\n');
      expect(await session.frame()).toMatchObject({ state: 'clean' });
      // the next plain run takes a waiting interpreter again
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(text((await session.run(shellRequest(script))).result.stdout)).toBe('stream= interactive= prewarmed\n');
    }));

  test('without it, or in --once, nothing but the result', async () => {
    await withSession({}, async (session) => {
      const { result, state } = await session.run(shellRequest('echo plain'));
      expect(text(result.stdout)).toBe('plain\n');
      expect(state).toMatchObject({ state: 'clean' });
    });
    const once = await proxy().onceResult(shellRequest('echo once', { streaming: { stream: true, interactive: true }, stdin: 'x' }));
    expect(once).toMatchObject({ status: 'ok' });
    expect(text(once.stdout)).toBe('once\n');
  });
});

describe('interactive 1', () => {
  const echoLoop = 'while read line; do echo "got $line"; done; echo "done${PREWARMED:+ prewarmed}"';
  const interactive = { stream: true, interactive: true };

  for (const [name, env] of [
    ['a cold start', {}],
    // an interactive run never takes the waiting interpreter: a prewarmed python reads its whole stdin
    // before the program starts, which an interactive stdin never ends; it starts cold
    ['an image that prewarms (the run starts cold)', { CODERING_PREWARM: '1' }],
    ['a compiled runtime (frames sent while it compiles wait for the program)', { CODERING_COMPILED: '1' }],
  ] as const) {
    test(`${name}: the request's stdin, then each stdin frame as it comes, then stdin-eof`, () =>
      withSession(env, async (session) => {
        if (name.startsWith('an image that prewarms')) await new Promise((resolve) => setTimeout(resolve, 500));
        // the first interpreter is started with the default limits: a request with others starts cold
        session.send(shellRequest(echoLoop, { stdin: 'first\n', streaming: interactive, limits: { cpuMs: 5000 } }));
        session.send(encodeStdinFrame(Buffer.from('second\n')));
        const seen: string[] = [];
        const compiled: string[] = [];
        const next = async (): Promise<string> => {
          for (;;) {
            const frame = await session.frame();
            expect(frame).toMatchObject({ stream: 'stdout' });
            if (frame.phase === 'run') return text(frame.data);
            // the compiler's, streamed before the program's
            expect(seen).toEqual([]);
            compiled.push(text(frame.data));
          }
        };
        while (seen.join('') !== 'got first\ngot second\n') seen.push(await next());
        expect(compiled.join('')).toBe('CODERING_COMPILED' in env ? 'compiled main.sh\n' : '');
        // the program waits for more: an answer comes only for what we send
        session.send(Buffer.concat([encodeStdinFrame(Buffer.from('thi')), encodeStdinFrame(Buffer.from('rd\nfourth\n'))]));
        seen.length = 0;
        while (seen.join('') !== 'got third\ngot fourth\n') seen.push(await next());
        session.send(STDIN_EOF_LINE);
        const { outputs, result } = await untilResult(session);
        const done = 'done\n';
        expect(joined(outputs, 'stdout')).toBe(done);
        expect(result.frame).toMatchObject({ status: 'ok', exitCode: 0 });
        expect(text(result.frame.stdout)).toBe(`got first\ngot second\ngot third\ngot fourth\n${done}`);
        expect(await session.frame()).toMatchObject({ state: 'clean' });
      }));
  }

  test('stdin that comes after the run (the rest of a frame it began, a late frame in halves, a late eof) is skipped: the next request is served', () =>
    withSession({}, async (session) => {
      session.send(shellRequest('read line; echo "only $line"', { streaming: interactive }));
      // `stdin 8\n` and the first line: the program ends before the rest of its frame comes
      const frame = encodeStdinFrame(Buffer.from('one\ntwo\n'));
      session.send(frame.subarray(0, 12));
      const { outputs, result } = await untilResult(session);
      expect(joined(outputs, 'stdout')).toBe('only one\n');
      expect(result.frame).toMatchObject({ status: 'ok' });
      session.send(frame.subarray(12));
      session.send(frame.subarray(0, 10));
      await new Promise((resolve) => setTimeout(resolve, 200));
      session.send(Buffer.concat([frame.subarray(10), STDIN_EOF_LINE]));
      expect(await session.frame()).toMatchObject({ state: 'clean' });
      const next = await session.run(shellRequest('echo next'));
      expect(text(next.result.stdout)).toBe('next\n');
    }));

  test('a program that never reads its stdin ends on its wall time, whatever is sent; cancel still stops one', () =>
    withSession({}, async (session) => {
      session.send(shellRequest('sleep 30', { streaming: interactive, limits: { wallMs: 1000 } }));
      session.send(encodeStdinFrame(Buffer.alloc(200_000, 0x61)));
      const { result } = await untilResult(session);
      expect(result.frame).toMatchObject({ status: 'timeout' });
      expect(await session.frame()).toMatchObject({ state: 'clean' });
      session.send(shellRequest('cat', { streaming: interactive }));
      session.send(encodeStdinFrame(Buffer.from('echoed\n')));
      expect(text((await session.frame()).data)).toBe('echoed\n');
      session.send('cancel\n');
      expect((await untilResult(session)).result.frame).toMatchObject({ status: 'cancelled' });
      expect(await session.frame()).toMatchObject({ state: 'clean' });
    }));
});
