/**
 * Two API processes on one host must not disturb each other. The kernel counts a uid's processes
 * host-wide (RLIMIT_NPROC), so two processes that hand out the same sandbox uids make one's programs
 * count against the other's process limit. Here a second process holds warm workers (each with a
 * prewarmed interpreter running under its uid) while this one starts its own: no uid is shared, and
 * a program's process limit counts its own processes only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { DEFAULT_CONFIG } from '../../../config';
import { createDockerClient } from '../../../factory/engine';
import type { RunLimits } from '../../../proxy';
import {
  createLocalPlatform,
  KIND_LABEL,
  OWNER_PID_LABEL,
  SANDBOX_UID_LABEL,
  WORKER_KIND,
  type LocalPlatform,
} from '../../../registry-api/platform/local';
import { runtimeImage } from '../support';

jest.setTimeout(10 * 60_000);

const WORKERS = 3;
let image: string;
let other: ChildProcess;
let platform: LocalPlatform;

function startOtherProcess(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, '..', 'support', 'second-instance.ts'), image, String(WORKERS)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let said = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      said += chunk.toString();
      if (said.includes('ready\n')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`the second process ended (${code}) before its workers were warm`)));
  });
}

beforeAll(async () => {
  image = await runtimeImage('python@3.11');
  // the other process first: it takes the lowest uids, the ones a per-process allocator gives us too
  other = await startOtherProcess();
  platform = createLocalPlatform({ warmFloor: WORKERS, maxWorkers: WORKERS });
  await platform.start();
  await platform.warm(image, WORKERS);
  while (platform.stats().reduce((sum, pool) => sum + pool.idle, 0) < WORKERS) await new Promise((resolve) => setTimeout(resolve, 50));
});

afterAll(async () => {
  await platform?.close();
  if (other && other.exitCode === null) {
    const ended = new Promise((resolve) => other.once('exit', resolve));
    other.stdin?.end();
    await ended;
  }
});

describe('two API processes on one host', () => {
  it('hand out no sandbox uid twice', async () => {
    const workers = await createDockerClient(DEFAULT_CONFIG.factory).containers.list({ [KIND_LABEL]: WORKER_KIND });
    const uidsOf = (pid: number): number[] =>
      workers.filter((w) => w.labels[OWNER_PID_LABEL] === String(pid)).map((w) => Number(w.labels[SANDBOX_UID_LABEL]));
    const ours = uidsOf(process.pid);
    const theirs = uidsOf(other.pid as number);
    expect(ours).toHaveLength(WORKERS);
    expect(theirs).toHaveLength(WORKERS);
    expect(ours.filter((uid) => theirs.includes(uid))).toEqual([]);
  });

  it("count only a program's own processes against its limit", async () => {
    const limits: RunLimits = { wallMs: 5000, cpuMs: 5000, compileWallMs: 10_000, memoryBytes: 128 << 20, outputBytes: 65_536, processes: 10, fileBytes: 1 << 20 };
    const lease = await platform.acquire(image);
    const code = 'import os, time\nn = 0\nfor _ in range(100):\n    try:\n        pid = os.fork()\n    except OSError:\n        break\n    if pid == 0:\n        time.sleep(3)\n        os._exit(0)\n    n += 1\nprint(n)\n';
    const result = await lease.worker.run({ requestId: 'two-instances', files: [{ name: 'main.py', content: code }], main: 'main.py', stdin: '', args: [], limits }, new AbortController().signal);
    lease.release(true);
    // the program itself is one of the ten; a shared uid would have the other process's interpreter count too
    expect(result.stdout).toBe('9\n');
  });
});
