/**
 * Racing in pairs, on the real engine: a worker whose container is killed mid-run is a failure of
 * ours, never the user's — the other worker's answer is used, and when both die the run is retried
 * on fresh workers.
 */
import Docker from 'dockerode';
import { startLiveApi, type LiveApi } from '../support';

jest.setTimeout(10 * 60_000);

const RUNTIME = 'python@3.11';
const docker = new Docker();
let api: LiveApi;

beforeAll(async () => {
  api = await startLiveApi({ runtimes: [RUNTIME], warmFloor: 2, maxWorkers: 4 });
});

afterAll(async () => {
  await api?.close();
});

// A child `sleep` marks the workers that are running this request (an idle worker has none).
const program = 'import subprocess\nsubprocess.run(["sleep", "2"])\nprint("survived")';

async function busyWorkers(expected: number): Promise<string[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const containers = await docker.listContainers({ filters: { label: [`org.codering.instance=${api.platform.instanceId}`] } });
    const busy: string[] = [];
    for (const container of containers) {
      const top = await docker.getContainer(container.Id).top().catch(() => ({ Processes: [] }));
      if ((top.Processes ?? []).some((row: string[]) => row.join(' ').includes('sleep 2'))) busy.push(container.Id);
    }
    if (busy.length >= expected || Date.now() > deadline) return busy;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('one worker killed mid-run: the other one answers', async () => {
  const answer = api.run({ runtime: RUNTIME, files: [{ name: 'main.py', content: program }], mode: 'pair' });
  const busy = await busyWorkers(2);
  expect(busy).toHaveLength(2);
  await docker.getContainer(busy[0]!).kill();
  const { status, body } = await answer;
  expect(status).toBe(200);
  expect(body).toMatchObject({ status: 'ok', stdout: 'survived\n' });
  expect(body.race.fallback).toBe(true);
  expect(body.race.retries).toBe(0);
});

test('both workers killed mid-run: the run is retried on fresh workers', async () => {
  const answer = api.run({ runtime: RUNTIME, files: [{ name: 'main.py', content: program }], mode: 'pair' });
  const busy = await busyWorkers(2);
  expect(busy).toHaveLength(2);
  await Promise.all(busy.map((id) => docker.getContainer(id).kill()));
  const { status, body } = await answer;
  expect(status).toBe(200);
  expect(body).toMatchObject({ status: 'ok', stdout: 'survived\n' });
  expect(body.race.retries).toBeGreaterThanOrEqual(1);
});

test('the killed workers are replaced: the pool is back to its size', async () => {
  const deadline = Date.now() + 30_000;
  let stats = api.platform.stats();
  while (Date.now() < deadline) {
    stats = api.platform.stats();
    if (stats.every((pool) => pool.idle === 2)) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(stats[0]).toMatchObject({ idle: 2, busy: 0 });
  const gone = await docker.listContainers({ all: true, filters: { label: [`org.codering.instance=${api.platform.instanceId}`], status: ['exited', 'dead'] } });
  expect(gone).toHaveLength(0);
});
