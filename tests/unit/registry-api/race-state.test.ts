/**
 * The race's states, transition by transition: a slot alone (its table, its timers, its lease), then
 * the race on the fake platform, stopped at each state it passes through. race.test.ts is the
 * behaviour seen from the API; this is the shape underneath.
 */
import { CoderingError } from '../../../errors';
import {
  AttemptFailed,
  IllegalTransition,
  Race,
  RACE_TRANSITIONS,
  RaceSlot,
  RunAborted,
  SLOT_TRANSITIONS,
  type AttemptOptions,
  type SlotTiming,
} from '../../../registry-api/executor';
import type { RaceMode } from '../../../registry-api/config';
import type { RunLimits, WorkerRequest } from '../../../registry-api/platform';
import { FakePlatform, waitUntil } from './fakes';

const limits: RunLimits = {
  wallMs: 1000, cpuMs: 1000, compileWallMs: 1000, memoryBytes: 1 << 26, outputBytes: 1024, processes: 8, fileBytes: 1024,
};
const request: WorkerRequest = { requestId: 'r1', files: [{ name: 'main.py', content: '' }], main: 'main.py', stdin: '', args: [], limits };
const timing: SlotTiming = { runTimeoutMs: 5000, cancelGraceMs: 5000 };

describe('a slot', () => {
  const slots: RaceSlot[] = [];
  const slot = (overrides: Partial<SlotTiming> = {}): RaceSlot => {
    const made = new RaceSlot(1, { ...timing, ...overrides });
    slots.push(made);
    return made;
  };
  // Slots left launched or leased keep their deadlines: end them so no timer outlives its test.
  afterEach(() => {
    for (const made of slots.splice(0)) {
      if (made.is('launched')) made.dropped();
      if (made.is('leased')) made.cancelled();
      if (made.hadLease) made.release(true);
    }
  });

  test('the tables: every state named, terminal states have no way out', () => {
    expect(Object.keys(SLOT_TRANSITIONS).sort()).toEqual(
      ['answered', 'bounced', 'cancelled', 'dropped', 'failed', 'launched', 'leased', 'overdue', 'refused'],
    );
    for (const terminal of ['answered', 'failed', 'overdue', 'dropped', 'refused', 'bounced'] as const) {
      expect(SLOT_TRANSITIONS[terminal]).toEqual([]);
    }
    expect(RACE_TRANSITIONS).toEqual({ ready: ['racing', 'finished'], racing: ['finished'], finished: [] });
  });

  test('is born launched and alive, and cannot answer, be cancelled or release before a lease', () => {
    const s = slot();
    expect(s.current).toBe('launched');
    expect(s.alive).toBe(true);
    expect(() => s.answered()).toThrow(IllegalTransition);
    expect(() => s.cancelled()).toThrow(IllegalTransition);
    expect(() => s.overdue()).toThrow(IllegalTransition);
    expect(() => s.release(true)).toThrow(/no transition release from launched/);
    expect(() => s.worker).toThrow(IllegalTransition);
    expect(s.workerName).toBe('lease 1');
  });

  test('launched → leased → answered, and the lease is given back exactly once', async () => {
    const platform = new FakePlatform();
    const s = slot();
    const lease = await platform.acquire('img', s.acquireSignal);
    s.leased(lease, 7, () => undefined);
    expect([s.current, s.leaseWaitMs, s.hadLease, s.workerName]).toEqual(['leased', 7, true, 'w1']);
    expect(() => s.leased(lease, 7, () => undefined)).toThrow(IllegalTransition);
    s.answered();
    expect(s.alive).toBe(false);
    expect(() => s.failed()).toThrow(IllegalTransition);
    expect(s.release(true)).toBe(true);
    expect(s.release(false)).toBe(false);
    expect(platform.leases).toEqual([{ workerId: 'w1', released: true, healthy: true }]);
  });

  test('leased → cancelled aborts the run; the grace releases it unhealthy unless it settles first', async () => {
    const platform = new FakePlatform();
    const s = slot({ cancelGraceMs: 20 });
    s.leased(await platform.acquire('img'), 0, () => undefined);
    s.cancelled();
    expect(s.runSignal.aborted).toBe(true);
    expect(s.acquireSignal.aborted).toBe(false);
    await waitUntil(() => s.isReleased);
    expect(platform.leases[0]).toMatchObject({ released: true, healthy: false });
    // The run settling afterwards finds the lease given back.
    expect(s.release(true)).toBe(false);
  });

  test('cancelled → failed: a loser whose proxy fails is still a failure', async () => {
    const platform = new FakePlatform();
    const s = slot();
    s.leased(await platform.acquire('img'), 0, () => undefined);
    s.cancelled();
    s.release(false);
    s.failed();
    expect(s.current).toBe('failed');
  });

  test('leased → overdue when the run deadline passes: the run is aborted and the grace starts', async () => {
    const platform = new FakePlatform();
    const s = slot({ runTimeoutMs: 10, cancelGraceMs: 20 });
    let overdue = false;
    s.leased(await platform.acquire('img'), 0, () => {
      overdue = true;
      s.overdue();
    });
    await waitUntil(() => overdue);
    expect([s.current, s.runSignal.aborted, s.isReleased]).toEqual(['overdue', true, false]);
    await waitUntil(() => s.isReleased);
    expect(platform.leases[0]?.healthy).toBe(false);
  });

  test('a settled run stops its deadline', async () => {
    const platform = new FakePlatform();
    const s = slot({ runTimeoutMs: 10 });
    const onOverdue = jest.fn();
    s.leased(await platform.acquire('img'), 0, onOverdue);
    s.runSettled();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(onOverdue).not.toHaveBeenCalled();
  });

  test('launched → dropped withdraws the lease request; launched → refused leaves it alone', () => {
    const dropped = slot();
    dropped.dropped();
    expect([dropped.current, dropped.acquireSignal.aborted]).toEqual(['dropped', true]);
    const refused = slot();
    refused.refused();
    expect([refused.current, refused.acquireSignal.aborted]).toEqual(['refused', false]);
    expect(() => refused.leased({ worker: {} as never, coldStartMs: null, release: () => undefined }, 0, () => undefined)).toThrow(IllegalTransition);
  });

  test('a slot has no lease deadline of its own: the platform owns that wait', async () => {
    const s = slot({ runTimeoutMs: 10, cancelGraceMs: 10 });
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect([s.current, s.acquireSignal.aborted]).toEqual(['launched', false]);
    s.dropped();
  });
});

describe('the race', () => {
  const clients: AbortController[] = [];
  afterEach(() => {
    for (const client of clients.splice(0)) client.abort();
  });

  function race(platform: FakePlatform, mode: RaceMode, overrides: Partial<AttemptOptions> = {}) {
    const client = new AbortController();
    clients.push(client);
    const options: AttemptOptions = { mode, hedgeDelayMs: 5000, ...timing, signal: client.signal, ...overrides };
    const made = new Race(platform, 'img', request, options);
    return { race: made, client, options };
  }

  test('ready → racing: a pair launches two slots at once, single and hedged one', () => {
    for (const [mode, launched] of [['pair', 2], ['single', 1], ['hedged', 1]] as const) {
      const { race: r } = race(new FakePlatform().script({ hang: true }, { hang: true }), mode);
      expect(r.current).toBe('ready');
      void r.run().catch(() => undefined);
      expect(r.current).toBe('racing');
      expect(r.slotStates()).toEqual(Array.from({ length: launched }, () => 'launched'));
    }
  });

  test('ready → finished: a client already gone launches nothing', async () => {
    const platform = new FakePlatform();
    const { race: r, client } = race(platform, 'pair');
    client.abort();
    await expect(r.run()).rejects.toBeInstanceOf(RunAborted);
    expect([r.current, r.slotStates(), platform.acquireCalls]).toEqual(['finished', [], 0]);
  });

  test('launched → leased → answered; the other leased → cancelled, released healthy as it settles', async () => {
    const platform = new FakePlatform().script({ delayMs: 40, result: { stdout: 'first\n' } }, { hang: true });
    const { race: r } = race(platform, 'pair');
    const result = r.run();
    await waitUntil(() => r.slotStates().every((state) => state === 'leased'));
    expect(r.current).toBe('racing');
    await expect(result).resolves.toMatchObject({ winner: 1, workers: 2, cancelledLosers: 1, fallback: false });
    expect([r.current, r.slotStates()]).toEqual(['finished', ['answered', 'cancelled']]);
    await waitUntil(() => platform.leases.every((lease) => lease.released));
    expect(platform.leases.map((lease) => lease.healthy)).toEqual([true, true]);
  });

  test('leased → failed: the other slot carries the race (fallback)', async () => {
    const platform = new FakePlatform().script({ fail: 'container died' }, { delayMs: 30 });
    const failures: string[] = [];
    const { race: r } = race(platform, 'pair', { onWorkerFailure: (id, reason) => failures.push(`${id}: ${reason}`) });
    const result = r.run();
    await waitUntil(() => r.slotStates()[0] === 'failed');
    expect([r.current, r.slotStates()]).toEqual(['racing', ['failed', 'leased']]);
    await expect(result).resolves.toMatchObject({ winner: 2, fallback: true, cancelledLosers: 0 });
    expect(r.slotStates()).toEqual(['failed', 'answered']);
    expect(failures).toEqual(['w1: container died']);
  });

  test('every slot failed → finished with AttemptFailed, both released unhealthy', async () => {
    const platform = new FakePlatform().script({ fail: 'engine error' }, { result: { status: 'internal_error', message: 'cannot write' } });
    const { race: r } = race(platform, 'pair');
    const error = await r.run().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AttemptFailed);
    expect((error as AttemptFailed).failures).toHaveLength(2);
    expect([r.current, r.slotStates()]).toEqual(['finished', ['failed', 'failed']]);
    expect(platform.leases.map((lease) => lease.healthy)).toEqual([false, false]);
  });

  test('launched → dropped: the second lease request is withdrawn once the first answers', async () => {
    const platform = new FakePlatform().script({ delayMs: 10 });
    platform.acquireDelays = [0, 200];
    const { race: r } = race(platform, 'pair');
    const result = r.run();
    await waitUntil(() => r.slotStates()[0] === 'leased');
    expect(r.slotStates()).toEqual(['leased', 'launched']);
    await expect(result).resolves.toMatchObject({ workers: 1, winner: 1, cancelledLosers: 0 });
    expect(r.slotStates()).toEqual(['answered', 'dropped']);
    await waitUntil(() => platform.stats()[0]?.waiting === 0);
    expect(platform.leases).toHaveLength(1);
  });

  test('the second slot of a pair asks for a spare; refused, it leaves the race to the first', async () => {
    const platform = new FakePlatform().script({ delayMs: 10 });
    platform.leasesAtOnce = 1;
    const { race: r } = race(platform, 'pair');
    await expect(r.run()).resolves.toMatchObject({ workers: 1, winner: 1 });
    expect(platform.spareRequests).toEqual([false, true]);
    expect(r.slotStates()).toEqual(['answered', 'refused']);
  });

  test('a slot launched after the other failed is no spare: it is the race', async () => {
    const platform = new FakePlatform().script({ fail: 'died' }, { delayMs: 5 });
    const { race: r } = race(platform, 'hedged', { hedgeDelayMs: 5000 });
    await expect(r.run()).resolves.toMatchObject({ winner: 2, fallback: true });
    expect(platform.spareRequests).toEqual([false, false]);
  });

  test('launched → refused: the platform says no, and with no slot left the client gets its error', async () => {
    const platform = new FakePlatform();
    platform.leasesAtOnce = 0;
    platform.queueMax = 0;
    const { race: r } = race(platform, 'single');
    const error = await r.run().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CoderingError);
    expect((error as CoderingError).code).toBe('queue_full');
    expect([r.current, r.slotStates()]).toEqual(['finished', ['refused']]);
  });

  test("a lease that never comes ends with the platform's answer at the platform's deadline", async () => {
    const platform = new FakePlatform();
    platform.leasesAtOnce = 0;
    platform.acquireTimeoutMs = 20;
    const { race: r } = race(platform, 'single');
    const error = await r.run().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'queue_full', details: { waitedMs: 20 } });
    expect(r.slotStates()).toEqual(['refused']);
  });

  test('leased → overdue: given up at the deadline, released unhealthy after the grace', async () => {
    const platform = new FakePlatform().script({ hang: true, onAbort: 'ignore' });
    const { race: r } = race(platform, 'single', { runTimeoutMs: 20, cancelGraceMs: 20 });
    const error = await r.run().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AttemptFailed);
    expect((error as AttemptFailed).failures).toEqual(['worker 1: no answer within 20 ms']);
    expect([r.current, r.slotStates()]).toEqual(['finished', ['overdue']]);
    expect(platform.leases[0]?.released).toBe(false);
    await waitUntil(() => platform.leases[0]?.released === true);
    expect(platform.leases[0]?.healthy).toBe(false);
  });

  test('hedged: the second slot launches only at the delay, or at once when the first fails', async () => {
    const slow = new FakePlatform().script({ delayMs: 300 }, { delayMs: 5 });
    const { race: hedged } = race(slow, 'hedged', { hedgeDelayMs: 40 });
    const result = hedged.run();
    await waitUntil(() => hedged.slotStates()[0] === 'leased');
    expect(hedged.slotStates()).toEqual(['leased']);
    await waitUntil(() => hedged.slotStates().length === 2);
    await expect(result).resolves.toMatchObject({ winner: 2, workers: 2 });
    expect(hedged.slotStates()).toEqual(['cancelled', 'answered']);

    const failing = new FakePlatform().script({ fail: 'died' }, { delayMs: 5 });
    const { race: fallback } = race(failing, 'hedged', { hedgeDelayMs: 5000 });
    await expect(fallback.run()).resolves.toMatchObject({ winner: 2, fallback: true });
    expect(fallback.slotStates()).toEqual(['failed', 'answered']);
  });

  test('racing → finished when the client leaves: every run cancelled, released as it settles', async () => {
    const platform = new FakePlatform().script({ hang: true }, { hang: true });
    const { race: r, client } = race(platform, 'pair');
    const result = r.run();
    await waitUntil(() => r.slotStates().every((state) => state === 'leased'));
    client.abort();
    await expect(result).rejects.toBeInstanceOf(RunAborted);
    expect([r.current, r.slotStates()]).toEqual(['finished', ['cancelled', 'cancelled']]);
    await waitUntil(() => platform.leases.every((lease) => lease.released));
    expect(platform.leases.map((lease) => lease.healthy)).toEqual([true, true]);
  });

  test('a run started twice is an illegal transition, not a second race', async () => {
    const { race: r } = race(new FakePlatform().script({ hang: true }), 'single');
    void r.run().catch(() => undefined);
    await expect(r.run()).rejects.toBeInstanceOf(IllegalTransition);
    expect(r.slotStates()).toHaveLength(1);
  });
});
