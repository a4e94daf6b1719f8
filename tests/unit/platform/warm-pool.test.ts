import { CoderingError } from '../../../errors';
import { LocalWorker, WarmPool, WorkerBudget } from '../../../registry-api/platform/local';
import { FakeProxy } from './fake-worker-streams';

interface Harness {
  pool: WarmPool;
  spawned: FakeProxy[];
  destroyed: string[];
  budget: WorkerBudget;
  failNextSpawns: number;
}

function harness(options: { size?: number; queueMax?: number; budget?: number; acquireTimeoutMs?: number } = {}): Harness {
  const h: Harness = { spawned: [], destroyed: [], budget: new WorkerBudget(options.budget ?? 10), failNextSpawns: 0 } as unknown as Harness;
  let n = 0;
  h.pool = new WarmPool({
    image: 'img',
    size: options.size ?? 2,
    queueMax: options.queueMax ?? 2,
    acquireTimeoutMs: options.acquireTimeoutMs ?? 1000,
    budget: h.budget,
    spawn: async () => {
      if (h.failNextSpawns > 0) {
        h.failNextSpawns -= 1;
        throw new Error('engine said no');
      }
      const proxy = new FakeProxy();
      h.spawned.push(proxy);
      n += 1;
      return new LocalWorker(`w${n}`, 'img', proxy.streams, { graceMs: 1000, cancelGraceMs: 1000, cleanBudgetMs: 1000 });
    },
    destroy: async (worker) => {
      h.destroyed.push(worker.id);
    },
    onError: () => undefined,
  });
  return h;
}

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));

describe('WarmPool', () => {
  it('fills to its size and hands out idle workers without spawning', async () => {
    const h = harness({ size: 2 });
    h.pool.resize(2);
    await settle();
    expect(h.pool.stats()).toMatchObject({ idle: 2, busy: 0, starting: 0 });
    const lease = await h.pool.acquire();
    expect(h.spawned).toHaveLength(2);
    lease.release(true);
    expect(h.pool.stats()).toMatchObject({ idle: 2, busy: 0 });
  });

  it('replaces an unhealthy worker in the background', async () => {
    const h = harness({ size: 1 });
    h.pool.resize(1);
    await settle();
    const lease = await h.pool.acquire();
    lease.release(false);
    await settle();
    expect(h.destroyed).toEqual([lease.worker.id]);
    expect(h.pool.stats()).toMatchObject({ idle: 1 });
    expect(h.spawned).toHaveLength(2);
    expect(h.budget.inUse).toBe(1);
  });

  it('gives a worker to the next run only once it is proven clean', async () => {
    const h = harness({ size: 1, budget: 1 });
    h.pool.resize(1);
    await settle();
    const lease = await h.pool.acquire();
    const worker = lease.worker as LocalWorker;
    const running = worker.run({ requestId: 'r', files: [], main: 'm', stdin: '', args: [], limits: { wallMs: 100, cpuMs: 100, compileWallMs: 100, memoryBytes: 1, outputBytes: 10, processes: 1, fileBytes: 1 } }, new AbortController().signal);
    h.spawned[0]?.answer({ status: 'ok' }, 'none');
    await running;
    lease.release(true);
    let next: LocalWorker | undefined;
    void h.pool.acquire().then((l) => (next = l.worker as LocalWorker));
    await settle();
    expect(next).toBeUndefined();
    expect(h.pool.stats()).toMatchObject({ idle: 0, busy: 1, waiting: 1 });
    h.spawned[0]?.state('clean');
    await settle();
    expect(next).toBe(worker);
  });

  it('replaces a worker the proxy retired, and counts it', async () => {
    const h = harness({ size: 1, budget: 1 });
    h.pool.resize(1);
    await settle();
    const lease = await h.pool.acquire();
    const running = lease.worker.run({ requestId: 'r', files: [], main: 'm', stdin: '', args: [], limits: { wallMs: 100, cpuMs: 100, compileWallMs: 100, memoryBytes: 1, outputBytes: 10, processes: 1, fileBytes: 1 } }, new AbortController().signal);
    h.spawned[0]?.answer({ status: 'ok' }, 'retired');
    await running;
    lease.release(true);
    await settle();
    expect(h.destroyed).toEqual([lease.worker.id]);
    expect(h.spawned).toHaveLength(2);
    expect(h.pool.stats()).toMatchObject({ idle: 1, busy: 0, retiredUnclean: 1 });
  });

  it('grows on demand within the global budget, and queues within its bound', async () => {
    const h = harness({ size: 1, budget: 2, queueMax: 1 });
    const a = await h.pool.acquire();
    const b = await h.pool.acquire();
    expect(h.spawned).toHaveLength(2);
    const waiting = h.pool.acquire();
    await expect(h.pool.acquire()).rejects.toMatchObject({ code: 'queue_full', retryAfterSeconds: 1 });
    a.release(true);
    const c = await waiting;
    expect(c.worker).toBe(a.worker);
    b.release(true);
    c.release(true);
  });

  it('gives up waiting after the acquire timeout with not_ready, never hangs', async () => {
    const h = harness({ size: 0, budget: 0, acquireTimeoutMs: 30 });
    const error = await h.pool.acquire().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CoderingError);
    expect((error as CoderingError).code).toBe('not_ready');
  });

  it('backs off after a failed spawn, then recovers', async () => {
    const h = harness({ size: 1 });
    h.failNextSpawns = 1;
    h.pool.resize(1);
    await settle();
    expect(h.pool.stats()).toMatchObject({ idle: 0, starting: 0 });
    expect(h.budget.inUse).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(h.pool.stats()).toMatchObject({ idle: 1 });
  });

  it('on close, rejects waiters and removes every worker', async () => {
    const h = harness({ size: 1, budget: 1 });
    const lease = await h.pool.acquire();
    const waiting = h.pool.acquire();
    await h.pool.close();
    await expect(waiting).rejects.toMatchObject({ code: 'not_ready' });
    expect(h.destroyed).toContain(lease.worker.id);
  });
});
