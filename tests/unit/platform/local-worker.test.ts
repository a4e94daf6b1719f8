import { InteractiveStdin } from '../../../registry-api/executor';
import { LocalWorker } from '../../../registry-api/platform/local';
import { WorkerFailure, type WorkerRequest } from '../../../registry-api/platform';
import { FakeProxy } from './fake-worker-streams';

const request: WorkerRequest = {
  requestId: 'r1',
  files: [{ name: 'main.py', content: 'print(1)' }],
  main: 'main.py',
  stdin: '',
  args: [],
  limits: { wallMs: 50, cpuMs: 50, compileWallMs: 50, memoryBytes: 1 << 20, outputBytes: 1024, processes: 8, fileBytes: 1024 },
};

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const make = (proxy: FakeProxy): LocalWorker => new LocalWorker('w1', 'img', proxy.streams, { graceMs: 100, cancelGraceMs: 100, cleanBudgetMs: 100 });

describe('LocalWorker', () => {
  it('sends one framed request and resolves with the decoded result', async () => {
    const proxy = new FakeProxy();
    const worker = make(proxy);
    const running = worker.run(request, new AbortController().signal);
    await tick();
    expect(proxy.received.join('')).toMatch(/^codering\/1\n/);
    proxy.answer({ status: 'ok', stdout: Buffer.from('1\n').toString('base64') });
    await expect(running).resolves.toMatchObject({ status: 'ok', stdout: '1\n' });
    expect(worker.busy).toBe(false);
  });

  it('turns an abort into an in-band cancel and stays usable', async () => {
    const proxy = new FakeProxy();
    const worker = make(proxy);
    const controller = new AbortController();
    const running = worker.run(request, controller.signal);
    controller.abort();
    await tick();
    expect(proxy.received.join('')).toMatch(/end\ncancel\n$/);
    proxy.answer({ status: 'cancelled' });
    await expect(running).resolves.toMatchObject({ status: 'cancelled' });
    expect(worker.broken).toBeNull();
  });

  it('fails the run when the container ends, keeping the proxy last words', async () => {
    const proxy = new FakeProxy();
    const worker = make(proxy);
    const running = worker.run(request, new AbortController().signal);
    proxy.die('codering-proxy: pipe: too many open files\n');
    await expect(running).rejects.toThrow(/container ended.*too many open files/);
    await expect(worker.run(request, new AbortController().signal)).rejects.toBeInstanceOf(WorkerFailure);
  });

  it('fails the run on bytes that are not a frame, and on an unsolicited frame', async () => {
    const proxy = new FakeProxy();
    const worker = make(proxy);
    const running = worker.run(request, new AbortController().signal);
    proxy.stdout.write('Segmentation fault\n');
    await expect(running).rejects.toBeInstanceOf(WorkerFailure);

    const idle = new FakeProxy();
    const quiet = make(idle);
    idle.answer({ status: 'ok' });
    await tick();
    expect(quiet.broken).toMatch(/without a request/);
  });

  it('treats the proxy internal_error as a worker failure, not a result', async () => {
    const proxy = new FakeProxy();
    const running = make(proxy).run(request, new AbortController().signal);
    proxy.answer({ status: 'internal_error', message: 'fork: resource temporarily unavailable' });
    await expect(running).rejects.toThrow(/fork: resource/);
  });

  it('stays busy after its answer until the proxy proves it clean', async () => {
    const proxy = new FakeProxy();
    const worker = make(proxy);
    const running = worker.run(request, new AbortController().signal);
    proxy.answer({ status: 'ok' }, 'none');
    await expect(running).resolves.toMatchObject({ status: 'ok' });
    expect(worker.busy).toBe(true);
    await expect(worker.run(request, new AbortController().signal)).rejects.toThrow(/not proven clean yet/);
    const clean = worker.whenClean();
    proxy.state('clean');
    await expect(clean).resolves.toBe(true);
    expect(worker.busy).toBe(false);
    expect(worker.lastCleanMs).toBe(1);
    expect(worker.broken).toBeNull();
  });

  it('is never reused once the proxy retires it', async () => {
    const proxy = new FakeProxy();
    const worker = make(proxy);
    const running = worker.run(request, new AbortController().signal);
    proxy.answer({ status: 'ok', stdout: Buffer.from('answer').toString('base64') }, 'retired');
    // the answer still counts: it went out before the cleaning
    await expect(running).resolves.toMatchObject({ stdout: 'answer' });
    await expect(worker.whenClean()).resolves.toBe(false);
    expect(worker.retiredReason).toMatch(/still has 3 entries/);
    expect(worker.broken).toMatch(/retired/);
  });

  it('declares the worker dead when it is not proven clean within the budget plus grace', async () => {
    const proxy = new FakeProxy();
    const worker = make(proxy);
    const running = worker.run(request, new AbortController().signal);
    proxy.answer({ status: 'ok' }, 'none');
    await running;
    await expect(worker.whenClean()).resolves.toBe(false);
    expect(worker.broken).toMatch(/not proven clean within 200 ms/);
  });

  it('declares the worker dead when no answer comes within the limits plus grace', async () => {
    const proxy = new FakeProxy();
    const worker = make(proxy);
    const started = Date.now();
    await expect(worker.run(request, new AbortController().signal)).rejects.toThrow(/no answer within 200 ms/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(worker.broken).not.toBeNull();
  });
});

describe('LocalWorker, streamed', () => {
  it('asks for output frames and hands each to the listener, in order, before the result', async () => {
    const proxy = new FakeProxy();
    const seen: string[] = [];
    const running = make(proxy).run(request, new AbortController().signal, { output: (stream, data) => seen.push(`${stream}:${data.toString()}`) });
    await tick();
    const sent = proxy.received.join('');
    expect(sent).toContain('\nstream 1\n1\n');
    expect(sent).not.toContain('interactive');
    proxy.output('stdout', 'one\n');
    proxy.output('stderr', Buffer.from([0xff]));
    proxy.output('stdout', 'two\n');
    await tick();
    expect(seen).toEqual(['stdout:one\n', `stderr:${Buffer.from([0xff]).toString()}`, 'stdout:two\n']);
    proxy.answer({ status: 'ok', stdout: Buffer.from('one\ntwo\n').toString('base64') });
    await expect(running).resolves.toMatchObject({ stdout: 'one\ntwo\n' });
  });

  it('sends the client stdin after the request, as stdin frames then stdin-eof, and none once the run is over', async () => {
    const proxy = new FakeProxy();
    const stdin = new InteractiveStdin(1024);
    stdin.write(Buffer.from('before\n'));
    const running = make(proxy).run(request, new AbortController().signal, { output: () => undefined, stdin });
    stdin.write(Buffer.from('héllo\n'));
    stdin.end();
    await tick();
    const sent = proxy.received.join('');
    expect(sent).toContain('\ninteractive 1\n1\n');
    expect(sent.slice(sent.indexOf('end\n'))).toBe('end\nstdin 7\nbefore\n\nstdin 7\nhéllo\n\nstdin-eof\n');
    proxy.answer({ status: 'ok' });
    await running;
    const before = proxy.received.length;
    stdin.write(Buffer.from('late'));
    await tick();
    expect(proxy.received).toHaveLength(before);
  });

  it('output frames for a run that did not ask for them break the worker', async () => {
    const proxy = new FakeProxy();
    const worker = make(proxy);
    const running = worker.run(request, new AbortController().signal);
    proxy.output('stdout', 'unasked');
    await expect(running).rejects.toThrow(/output frames for a run that did not ask for them/);
  });

  it("a listener's own failure is not the worker's: the run goes on", async () => {
    const proxy = new FakeProxy();
    const worker = make(proxy);
    const running = worker.run(request, new AbortController().signal, {
      output: () => {
        throw new Error('the client is gone');
      },
    });
    proxy.output('stdout', 'x');
    proxy.answer({ status: 'ok' });
    await expect(running).resolves.toMatchObject({ status: 'ok' });
    expect(worker.broken).toBeNull();
  });
});
