import { CoderingError } from '../../../errors';
import type { Lease, ProxyResult } from '../../../registry-api/platform';
import { CapacityBudget, CapacityScheduler, type SchedulableWorker } from '../../../registry-api/platform/local';

/** A worker the test drives: clean at once unless told to stay cleaning. */
class FakeWorker implements SchedulableWorker {
  broken: string | null = null;
  busy = false;
  retiredReason: string | null = null;
  private cleaned: ((clean: boolean) => void)[] = [];

  constructor(
    readonly id: string,
    readonly image: string,
  ) {}

  run(): Promise<ProxyResult> {
    return Promise.reject(new Error('not used by the scheduler'));
  }

  whenClean(): Promise<boolean> {
    if (!this.busy) return Promise.resolve(this.broken === null);
    return new Promise((resolve) => this.cleaned.push(resolve));
  }

  finishCleaning(clean = true): void {
    this.busy = false;
    for (const resolve of this.cleaned.splice(0)) resolve(clean);
  }

  close(): void {
    this.broken ??= 'closed';
  }
}

interface Harness {
  scheduler: CapacityScheduler<FakeWorker>;
  budget: CapacityBudget;
  spawned: FakeWorker[];
  destroyed: FakeWorker[];
  /** The scheduler's clock, moved by the test. */
  clock: { now: number };
  failSpawnsOf: Set<string>;
  /** Spawns that wait for the test to let them finish. */
  holdSpawns: boolean;
  releaseSpawns(): void;
}

const harnesses: Harness[] = [];

function harness(
  options: { slots?: number; queueMax?: number; waitTimeoutMs?: number; perImageMax?: number; idleTtlMs?: number; maxRunning?: number } = {},
): Harness {
  const slots = options.slots ?? 4;
  const budget = new CapacityBudget({ maxWorkers: slots, memoryBytes: slots * 100, workerMemoryBytes: 100, sandboxUids: 64 });
  const clock = { now: 1_000_000 };
  const held: (() => void)[] = [];
  let serial = 0;
  const h: Harness = {
    budget,
    spawned: [],
    destroyed: [],
    clock,
    failSpawnsOf: new Set(),
    holdSpawns: false,
    releaseSpawns: () => {
      for (const go of held.splice(0)) go();
    },
    scheduler: undefined as never,
  };
  h.scheduler = new CapacityScheduler<FakeWorker>({
    budget,
    queueMax: options.queueMax ?? 16,
    waitTimeoutMs: options.waitTimeoutMs ?? 2000,
    perImageMax: options.perImageMax ?? 8,
    maxRunning: options.maxRunning ?? 64,
    idleTtlMs: options.idleTtlMs ?? 60_000,
    demandWindowMs: 10_000,
    tickMs: 0,
    now: () => clock.now,
    spawn: async (image) => {
      if (h.holdSpawns) await new Promise<void>((resolve) => held.push(resolve));
      if (h.failSpawnsOf.has(image)) throw new Error(`no such image ${image}`);
      serial += 1;
      const worker = new FakeWorker(`${image}#${serial}`, image);
      h.spawned.push(worker);
      return worker;
    },
    destroy: async (worker) => {
      h.destroyed.push(worker);
    },
    onError: () => undefined,
  });
  harnesses.push(h);
  return h;
}

afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.scheduler.close();
});

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));

/** Leases `image` and gives it straight back, clean. */
async function use(h: Harness, image: string): Promise<void> {
  const lease = await h.scheduler.acquire(image);
  lease.release(true);
  await settle();
}

function statsOf(h: Harness, image: string) {
  return h.scheduler.stats().find((stats) => stats.image === image);
}

describe('admission and cold starts', () => {
  test('an image with no warm worker gets one started for the run, and says it was a cold start', async () => {
    const h = harness();
    const first = await h.scheduler.acquire('a');
    expect(first.coldStartMs).toEqual(expect.any(Number));
    first.release(true);
    await settle();
    const second = await h.scheduler.acquire('a');
    expect(second.coldStartMs).toBeNull();
    expect(second.worker).toBe(first.worker);
    second.release(true);
    expect(statsOf(h, 'a')).toMatchObject({ coldStarts: 1 });
  });

  test('a full line is refused at once with 429 and Retry-After', async () => {
    const h = harness({ slots: 1, queueMax: 1 });
    const held = await h.scheduler.acquire('a');
    const waiting = h.scheduler.acquire('a');
    const refused = await h.scheduler.acquire('b').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(CoderingError);
    expect(refused).toMatchObject({ code: 'queue_full', status: 429, retryAfterSeconds: 1 });
    held.release(true);
    (await waiting).release(true);
  });

  test('a worker still cleaning is not handed out until proven clean', async () => {
    const h = harness({ slots: 1 });
    const lease = await h.scheduler.acquire('a');
    const worker = lease.worker as FakeWorker;
    worker.busy = true;
    lease.release(true);
    let next: Lease | undefined;
    void h.scheduler.acquire('a').then((got) => (next = got));
    await settle();
    expect(next).toBeUndefined();
    worker.finishCleaning(true);
    await settle();
    expect(next?.worker).toBe(worker);
    next?.release(true);
  });

  test('an unhealthy worker is removed and its slot given back', async () => {
    const h = harness({ slots: 1 });
    const lease = await h.scheduler.acquire('a');
    lease.release(false);
    await settle();
    expect(h.destroyed).toEqual([lease.worker]);
    const next = await h.scheduler.acquire('b');
    expect(next.worker.image).toBe('b');
    next.release(true);
  });
});

describe('eviction', () => {
  test('idle workers of other images give up their slots, least recently used first', async () => {
    const h = harness({ slots: 2 });
    await use(h, 'a');
    h.clock.now += 1000;
    await use(h, 'b');
    h.clock.now += 1000;
    const c = await h.scheduler.acquire('c');
    expect(h.destroyed.map((worker) => worker.image)).toEqual(['a']);
    expect(statsOf(h, 'a')).toMatchObject({ evictions: 1, idle: 0 });
    c.release(true);
    await settle();
    h.clock.now += 1000;
    const a = await h.scheduler.acquire('a');
    expect(h.destroyed.map((worker) => worker.image)).toEqual(['a', 'b']);
    a.release(true);
  });

  test('an image at its floor is evicted only after every image above its floor', async () => {
    const h = harness({ slots: 2 });
    h.scheduler.keepWarm('default', 1);
    await settle();
    h.clock.now += 1000;
    await use(h, 'b');
    h.clock.now += 1000;
    const c = await h.scheduler.acquire('c');
    expect(h.destroyed.map((worker) => worker.image)).toEqual(['b']);
    c.release(true);
  });

  test('a busy worker is never evicted: the run waits, and at its limit gets 429', async () => {
    const h = harness({ slots: 1, waitTimeoutMs: 50 });
    const a = await h.scheduler.acquire('a');
    const refused = await h.scheduler.acquire('b').catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'queue_full', status: 429, details: { waitedMs: 50, slots: 1 } });
    expect(h.destroyed).toEqual([]);
    expect(statsOf(h, 'a')).toMatchObject({ busy: 1 });
    a.release(true);
  });

  test('a worker cleaning is not evicted either; once clean, it makes room', async () => {
    const h = harness({ slots: 1 });
    const a = await h.scheduler.acquire('a');
    const worker = a.worker as FakeWorker;
    worker.busy = true;
    a.release(true);
    let b: Lease | undefined;
    void h.scheduler.acquire('b').then((got) => (b = got));
    await settle();
    expect([b, h.destroyed]).toEqual([undefined, []]);
    worker.finishCleaning();
    await settle();
    expect(h.destroyed).toEqual([worker]);
    expect(b?.worker.image).toBe('b');
    b?.release(true);
  });
});

test('a run waits for its own worker that is cleaning: no eviction, no start, the same worker', async () => {
  const h = harness({ slots: 2 });
  await use(h, 'other');
  const a = await h.scheduler.acquire('a');
  const worker = a.worker as FakeWorker;
  worker.busy = true;
  a.release(true);
  let next: Lease | undefined;
  void h.scheduler.acquire('a').then((got) => (next = got));
  await settle();
  expect([next, h.destroyed, h.spawned.length]).toEqual([undefined, [], 2]);
  worker.finishCleaning();
  await settle();
  expect(next?.worker).toBe(worker);
  next?.release(true);
});

describe('the running cap (CPU-bound concurrency)', () => {
  test('past maxRunning leases, runs wait in line even with idle workers, and go in arrival order', async () => {
    const h = harness({ slots: 4, maxRunning: 1 });
    await use(h, 'b');
    const a = await h.scheduler.acquire('a');
    const served: string[] = [];
    const b = h.scheduler.acquire('b').then((lease) => (served.push('b'), lease));
    const c = h.scheduler.acquire('c').then((lease) => (served.push('c'), lease));
    await settle();
    // b's worker is idle and c's was started, but one program runs at a time
    expect([served, h.scheduler.running, statsOf(h, 'b')?.idle]).toEqual([[], 1, 1]);
    a.release(true);
    (await b).release(true);
    (await c).release(true);
    expect(served).toEqual(['b', 'c']);
    expect(h.scheduler.running).toBe(0);
  });

  test('runs behind the head of the line get no start and cause no eviction until the line moves', async () => {
    const h = harness({ slots: 3, maxRunning: 1 });
    await use(h, 'idle-one');
    await use(h, 'idle-two');
    const a = await h.scheduler.acquire('a');
    const first = h.scheduler.acquire('b');
    const second = h.scheduler.acquire('c');
    await settle();
    // b is next: it is given a worker (one idle worker evicted); c waits behind it, taking nothing
    expect(h.destroyed.map((worker) => worker.image)).toEqual(['idle-one']);
    expect(statsOf(h, 'c')).toMatchObject({ starting: 0 });
    a.release(true);
    (await first).release(true);
    (await second).release(true);
    expect(h.destroyed.map((worker) => worker.image)).toEqual(['idle-one', 'idle-two']);
  });

  test('a spare is refused while the cap is reached; a cold start held back keeps its timing', async () => {
    const h = harness({ slots: 4, maxRunning: 1 });
    await use(h, 'a');
    const a = await h.scheduler.acquire('a');
    await expect(h.scheduler.acquire('a', undefined, { spare: true })).rejects.toMatchObject({ code: 'queue_full' });
    const cold = h.scheduler.acquire('cold');
    await settle();
    a.release(true);
    const lease = await cold;
    expect(lease.coldStartMs).toEqual(expect.any(Number));
    lease.release(true);
    expect(statsOf(h, 'cold')).toMatchObject({ coldStarts: 1 });
  });
});

describe('fairness', () => {
  test('a stream of runs for one image does not starve a run for another', async () => {
    const h = harness({ slots: 2, perImageMax: 2 });
    const served: string[] = [];
    const take = (image: string, name: string): Promise<Lease> =>
      h.scheduler.acquire(image).then((lease) => {
        served.push(name);
        return lease;
      });
    const held = await Promise.all([take('a', 'a0'), take('a', 'a1')]);
    const before = [take('a', 'a2'), take('a', 'a3')];
    const b = take('b', 'b');
    const after = [take('a', 'a4'), take('a', 'a5')];
    // the hot image keeps both slots busy: a worker, once free, goes to the oldest run of its image…
    for (const lease of held) lease.release(true);
    const second = await Promise.all(before);
    expect(served).toEqual(['a0', 'a1', 'a2', 'a3']);
    // …until the run for b is older than every waiting run for a: then a worker gives b its slot,
    // and b is served while runs for a still wait (a starved b would time out here instead)
    for (const lease of second) lease.release(true);
    (await b).release(true);
    expect(statsOf(h, 'a')).toMatchObject({ evictions: 1 });
    expect(served).toEqual(['a0', 'a1', 'a2', 'a3', 'a4', 'b']);
    for (const lease of await Promise.all(after)) lease.release(true);
  });

  test('no image takes more than its maximum: the rest of the host stays for the others', async () => {
    const h = harness({ slots: 4, perImageMax: 2 });
    const a = await Promise.all([h.scheduler.acquire('a'), h.scheduler.acquire('a')]);
    let third: Lease | undefined;
    void h.scheduler.acquire('a').then((got) => (third = got));
    await settle();
    expect(third).toBeUndefined();
    expect(h.budget.inUse).toBe(2);
    const b = await h.scheduler.acquire('b');
    b.release(true);
    a[0]!.release(true);
    await settle();
    expect(third?.worker).toBe(a[0]!.worker);
    third?.release(true);
    a[1]!.release(true);
  });
});

describe('demand', () => {
  test('warm workers follow demand: up with the runs held at once, back to the floor when unused', async () => {
    const h = harness({ slots: 8, idleTtlMs: 30_000 });
    const leases = await Promise.all([1, 2, 3].map(() => h.scheduler.acquire('a')));
    h.clock.now += 500;
    for (const lease of leases) lease.release(true);
    await settle();
    h.scheduler.tick();
    await settle();
    expect(statsOf(h, 'a')).toMatchObject({ target: 3, idle: 3 });
    // the window (10 s) passes: one more than the mean busy count
    h.clock.now += 11_000;
    h.scheduler.tick();
    await settle();
    expect(statsOf(h, 'a')).toMatchObject({ target: 1, idle: 1 });
    // unused past the idle TTL: to its floor (none)
    h.clock.now += 30_000;
    h.scheduler.tick();
    await settle();
    expect(statsOf(h, 'a')).toMatchObject({ target: 0, idle: 0 });
    expect(h.destroyed).toHaveLength(3);
  });

  test('an image unused for long is forgotten, record and all; one with a floor never is', async () => {
    const h = harness({ slots: 4, idleTtlMs: 1000 });
    h.scheduler.keepWarm('default', 1);
    await use(h, 'exercise');
    h.clock.now += 2000;
    h.scheduler.tick();
    await settle();
    expect(h.scheduler.stats().map((stats) => stats.image).sort()).toEqual(['default', 'exercise']);
    h.clock.now += 12_000;
    h.scheduler.tick();
    expect(h.scheduler.stats().map((stats) => stats.image)).toEqual(['default']);
  });

  test('a floor is kept warm in free slots and never scaled away', async () => {
    const h = harness({ slots: 4, idleTtlMs: 1000 });
    h.scheduler.keepWarm('default', 2);
    await settle();
    expect(statsOf(h, 'default')).toMatchObject({ idle: 2, floor: 2 });
    h.clock.now += 60_000;
    h.scheduler.tick();
    await settle();
    expect(statsOf(h, 'default')).toMatchObject({ idle: 2 });
  });
});

describe('spares (the second worker of a race)', () => {
  test('a cold image gets no spare: never cold against cold', async () => {
    const h = harness();
    const first = h.scheduler.acquire('a');
    const spare = await h.scheduler.acquire('a', undefined, { spare: true }).catch((error: unknown) => error);
    expect(spare).toMatchObject({ code: 'queue_full', details: { spare: true } });
    (await first).release(true);
  });

  test('a warm image gets a spare started in a free slot', async () => {
    const h = harness({ slots: 2 });
    const first = await h.scheduler.acquire('a');
    const spare = await h.scheduler.acquire('a', undefined, { spare: true });
    expect(spare.worker).not.toBe(first.worker);
    first.release(true);
    spare.release(true);
  });

  test('a spare never evicts and never waits behind a full host', async () => {
    const h = harness({ slots: 2 });
    await use(h, 'b');
    const first = await h.scheduler.acquire('a');
    const spare = await h.scheduler.acquire('a', undefined, { spare: true }).catch((error: unknown) => error);
    expect(spare).toMatchObject({ code: 'queue_full' });
    expect(h.destroyed).toEqual([]);
    first.release(true);
  });
});

describe('one timer, one answer per wait', () => {
  test('an image whose workers cannot start: 503 not_ready at once, with the cause', async () => {
    const h = harness({ waitTimeoutMs: 5000 });
    h.failSpawnsOf.add('missing');
    const started = performance.now();
    const error = await h.scheduler.acquire('missing').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'not_ready', status: 503 });
    expect((error as Error).message).toContain('no such image missing');
    expect(performance.now() - started).toBeLessThan(1000);
    expect(h.budget.inUse).toBe(0);
  });

  test('a withdrawn request leaves the line, and the worker started for it stays warm', async () => {
    const h = harness();
    h.holdSpawns = true;
    const withdraw = new AbortController();
    const waiting = h.scheduler.acquire('a', withdraw.signal);
    withdraw.abort(new Error('client left'));
    await expect(waiting).rejects.toThrow('client left');
    expect(h.scheduler.waiting).toBe(0);
    h.releaseSpawns();
    await settle();
    expect(statsOf(h, 'a')).toMatchObject({ idle: 1, starting: 0 });
  });
});

describe('close', () => {
  test('waits for the starts on their way and removes what they start: nothing is left running after it', async () => {
    const h = harness();
    h.holdSpawns = true;
    h.scheduler.keepWarm('a', 2);
    await settle();
    expect(statsOf(h, 'a')).toMatchObject({ starting: 2 });
    let closed = false;
    const closing = h.scheduler.close().then(() => {
      closed = true;
    });
    await settle();
    // the process exits when close resolves: it must not resolve while a start is on its way
    expect(closed).toBe(false);
    h.releaseSpawns();
    await closing;
    expect(h.spawned).toHaveLength(2);
    expect(h.destroyed.map((worker) => worker.id).sort()).toEqual(h.spawned.map((worker) => worker.id).sort());
    expect(h.budget.inUse).toBe(0);
  });
});
