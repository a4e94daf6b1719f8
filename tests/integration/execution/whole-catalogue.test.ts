/**
 * The whole catalogue on a budget smaller than it: every one of its runtime versions served by 4
 * workers, through the real API, engine and images. A class of students using different exercises
 * asks for any runtime at any moment; none may be starved because other runtimes' workers sit idle.
 *
 * Every version's smoke program (main + helper, stdin, args) runs in sequence, then all of them again
 * interleaved four at a time: every answer is right, none is 429 (a slot is always idle or evictable
 * when at most 4 runs are in flight), and no more than 4 workers ever exist. Then a burst larger than
 * the budget across 10 images: every request is answered, a result or 429 with Retry-After, none lost.
 */
import { createDockerClient } from '../../../factory/engine';
import { everyVersion, loadCatalogue, type RuntimeDefinition } from '../../../factory/catalogue';
import { DEFAULT_CONFIG } from '../../../registry-api/config';
import { startLiveApi, type LiveApi, type RunBody } from '../support';

// The first run builds every version not built yet (a few minutes each for java, go and rust on a
// 2-core machine); later runs find them cached.
jest.setTimeout(120 * 60_000);

const BUDGET = 4;
const catalogue = loadCatalogue();
const versions = everyVersion(catalogue);

let api: LiveApi;
const engine = createDockerClient(DEFAULT_CONFIG.factory).containers;
/** Most workers of this API seen at once (sampled while runs go on). */
let peakWorkers = 0;
let sampler: NodeJS.Timeout | undefined;

async function workersOfThisApi(): Promise<number> {
  const containers = await engine.list({ 'org.codering.instance': api.platform.instanceId });
  return containers.length;
}

function smokeOf(definition: RuntimeDefinition, spec: string): Record<string, unknown> {
  const { smoke } = definition;
  return { runtime: spec, files: smoke.files, stdin: smoke.stdin, args: smoke.args };
}

async function runSmoke(definition: RuntimeDefinition, spec: string): Promise<{ status: number; body: RunBody }> {
  return api.run(smokeOf(definition, spec));
}

function expectSmokeAnswer(definition: RuntimeDefinition, spec: string, answer: { status: number; body: RunBody }): void {
  const { status, body } = answer;
  const seen = { spec, status, runStatus: body.status, stdout: body.stdout, error: body.error?.message };
  expect(seen).toEqual({ spec, status: 200, runStatus: 'ok', stdout: definition.smoke.expectedStdout, error: undefined });
}

beforeAll(async () => {
  // Every version's image first (built once, cached by content after), so that what follows
  // measures the scheduler, not the builder. No default runtime: nothing has a floor.
  const images = await startLiveApi({ runtimes: [], maxWorkers: BUDGET });
  try {
    for (const { spec } of versions) {
      const build = await fetch(`${images.base}/v1/images`, { method: 'POST', headers: { 'content-type': 'application/json', ...images.admin }, body: JSON.stringify({ runtime: spec }) });
      const job = (await build.json()) as { id: string };
      for (;;) {
        const state = (await (await fetch(`${images.base}/v1/images/jobs/${job.id}`, { headers: images.admin })).json()) as { state: string; error: { message?: string } | null };
        if (state.state === 'succeeded') break;
        if (state.state === 'failed') throw new Error(`building ${spec} failed: ${state.error?.message}`);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  } finally {
    await images.close();
  }
  api = await startLiveApi({ runtimes: [], maxWorkers: BUDGET, platform: { acquireTimeoutMs: 30_000, queueMax: 64 } });
  sampler = setInterval(() => {
    void workersOfThisApi().then((count) => (peakWorkers = Math.max(peakWorkers, count)), () => undefined);
  }, 200);
});

afterAll(async () => {
  clearInterval(sampler);
  await api?.close();
});

test('the catalogue has 30 runtime versions, more than the budget holds', () => {
  expect(versions).toHaveLength(30);
  expect(api.platform.capacity()).toMatchObject({ slots: BUDGET, slotsInUse: 0 });
});

test('every runtime version, one after the other, on 4 workers: every answer right, zero 429', async () => {
  const coldStarts: string[] = [];
  for (const { definition, spec } of versions) {
    const answer = await runSmoke(definition, spec);
    expectSmokeAnswer(definition, spec, answer);
    if (answer.body.timings.coldStart) coldStarts.push(spec);
  }
  // 30 images on 4 slots: each one was started for its run (nothing was warm for it)
  expect(coldStarts).toHaveLength(versions.length);
  const capacity = api.platform.capacity();
  expect(capacity.slotsInUse).toBeLessThanOrEqual(BUDGET);
  expect(capacity.images.reduce((sum, image) => sum + (image.evictions ?? 0), 0)).toBeGreaterThanOrEqual(versions.length - BUDGET);
  expect(await workersOfThisApi()).toBeLessThanOrEqual(BUDGET);
});

test('every runtime version again, interleaved four at a time: every answer right, zero 429', async () => {
  // a fixed shuffle, so that neighbours differ from the sequence above
  const order = versions.map((version, index) => ({ version, key: (index * 17) % versions.length })).sort((a, b) => a.key - b.key);
  const queue = order.map(({ version }) => version);
  const answers: { spec: string; definition: RuntimeDefinition; answer: { status: number; body: RunBody } }[] = [];
  await Promise.all(
    Array.from({ length: BUDGET }, async () => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        answers.push({ spec: next.spec, definition: next.definition, answer: await runSmoke(next.definition, next.spec) });
      }
    }),
  );
  expect(answers).toHaveLength(versions.length);
  expect(answers.filter(({ answer }) => answer.status === 429).map(({ spec }) => spec)).toEqual([]);
  for (const { definition, spec, answer } of answers) expectSmokeAnswer(definition, spec, answer);
  expect(peakWorkers).toBeLessThanOrEqual(BUDGET);
  expect(await workersOfThisApi()).toBeLessThanOrEqual(BUDGET);
});

test('a burst larger than the budget across 10 images: every request answered, a result or 429 with Retry-After', async () => {
  const latest = catalogue.runtimes.map((definition) => ({ definition, spec: `${definition.language}@latest` }));
  expect(latest).toHaveLength(10);
  const burst = [...latest, ...latest, ...latest];
  const answers = await Promise.all(
    burst.map(async ({ definition, spec }) => {
      const response = await fetch(`${api.base}/v1/run`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(smokeOf(definition, spec)),
      });
      return { definition, spec, status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as RunBody };
    }),
  );
  expect(answers).toHaveLength(burst.length);
  for (const { definition, spec, status, retryAfter, body } of answers) {
    if (status === 429) {
      // refused only because every slot was busy: the answer says so and when to come back
      expect({ spec, code: body.error?.code, retryAfter: Number(retryAfter) > 0 }).toEqual({ spec, code: 'queue_full', retryAfter: true });
      expect(body.error?.message).toMatch(/busy|waiting/);
    } else {
      expectSmokeAnswer(definition, spec, { status, body });
    }
  }
  expect(answers.filter(({ status }) => status === 200).length).toBeGreaterThan(0);
  expect(peakWorkers).toBeLessThanOrEqual(BUDGET);
  // nothing is left waiting or holding more than the budget
  const capacity = api.platform.capacity();
  expect(capacity.waiting).toBe(0);
  expect(capacity.slotsInUse).toBeLessThanOrEqual(BUDGET);
});
