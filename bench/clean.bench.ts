/**
 * `npm run bench:clean`: what proving a worker clean costs, in one process on one worker.
 *
 * After each answer the proxy empties every writable path and proves the worker as fresh before it
 * serves again (proxy/README.md). That time is after the answer, so it is not the user's
 * latency; it is the time the worker is unavailable. Measured here, on one python worker:
 *   - the baseline: a hello-world run's answer time (what a student waits for);
 *   - the clean time after that ordinary run (the proxy's own measure, and the API's, from the
 *     answer to the state frame);
 *   - the clean time after a program that made as many entries as the inode limits allow
 *     (tests/integration/security/fixtures/many-entries.py).
 * Ordinary and attack runs are interleaved in rounds so both see the same machine load; results are
 * given as ratios to the baseline of the same round.
 */

import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { coderingConfig } from '../config';
import { createImageBuilder } from '../factory';
import { createLocalPlatform, type LocalWorker } from '../registry-api/platform/local';
import type { RunLimits, SourceFile } from '../registry-api/platform';
import { summarize, type LatencySummary } from './run';

const quick = coderingConfig().bench.quick;
const ROUNDS = quick ? 2 : 5;
const ORDINARY_PER_ROUND = quick ? 5 : 20;

const limits: RunLimits = {
  wallMs: 15_000,
  cpuMs: 15_000,
  compileWallMs: 30_000,
  memoryBytes: 256 * 1024 * 1024,
  outputBytes: 64 * 1024,
  processes: 64,
  fileBytes: 16 * 1024 * 1024,
};

const HELLO: SourceFile[] = [{ name: 'main.py', content: 'print("hello world")\n' }];
const ATTACK: SourceFile[] = [
  { name: 'main.py', content: readFileSync(path.join(__dirname, '..', 'tests', 'integration', 'security', 'fixtures', 'many-entries.py'), 'utf8') },
];

interface Sample {
  answerMs: number;
  /** As the proxy measured it: clean + prove. */
  proxyCleanMs: number;
  /** As the API saw it: from the answer to the state frame. */
  apiCleanMs: number;
  output: string;
}

const fmt = (summary: LatencySummary): string => `p50 ${summary.p50.toFixed(1)} ms, p95 ${summary.p95.toFixed(1)} ms (n=${summary.count})`;

async function main(): Promise<void> {
  console.log(`codering-x clean bench${quick ? ' (quick)' : ''}: ${os.cpus().length} CPUs, load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}, Node ${process.version}`);
  const image = (await createImageBuilder().ensureImage({ runtime: 'python@3.11', libraries: [] })).reference;
  console.log(`image ${image}`);
  const platform = createLocalPlatform({ warmFloor: 1, maxWorkers: 1 });
  await platform.start();
  try {
    await platform.warm(image, 1);

    const once = async (files: SourceFile[]): Promise<Sample> => {
      const lease = await platform.acquire(image);
      const worker = lease.worker as LocalWorker;
      const sent = performance.now();
      const result = await worker.run({ requestId: 'bench-clean', files, main: 'main.py', stdin: '', args: [], limits }, new AbortController().signal);
      const answered = performance.now();
      lease.release(true);
      const clean = await worker.whenClean();
      const cleaned = performance.now();
      if (!clean) throw new Error(`the worker was retired: ${worker.retiredReason ?? worker.broken ?? 'unknown'}`);
      if (result.status !== 'ok') throw new Error(`run failed: ${result.status} ${result.stderr}`);
      return { answerMs: answered - sent, proxyCleanMs: worker.lastCleanMs ?? Number.NaN, apiCleanMs: cleaned - answered, output: result.stdout };
    };

    for (let i = 0; i < 3; i++) await once(HELLO); // warm-up
    const ordinary: Sample[] = [];
    const attacked: Sample[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < ORDINARY_PER_ROUND; i++) ordinary.push(await once(HELLO));
      attacked.push(await once(ATTACK));
    }
    const entries = attacked.map((sample) => Number(/entries (\d+)/.exec(sample.output)?.[1] ?? Number.NaN));

    const answer = summarize(ordinary.map((s) => s.answerMs));
    const ordinaryProxy = summarize(ordinary.map((s) => s.proxyCleanMs));
    const ordinaryApi = summarize(ordinary.map((s) => s.apiCleanMs));
    const attackProxy = summarize(attacked.map((s) => s.proxyCleanMs));
    const attackApi = summarize(attacked.map((s) => s.apiCleanMs));
    console.log('\nbaseline: hello-world answer time');
    console.log(`  answer                         ${fmt(answer)}`);
    console.log('after an ordinary run (hello world)');
    console.log(`  clean + prove (proxy)          ${fmt(ordinaryProxy)}   = ${(ordinaryProxy.p50 / answer.p50).toFixed(3)} x the answer p50`);
    console.log(`  answer -> clean (API)          ${fmt(ordinaryApi)}   = ${(ordinaryApi.p50 / answer.p50).toFixed(3)} x the answer p50`);
    console.log(`after many-entries.py (${Math.min(...entries)}-${Math.max(...entries)} entries, as many as the inode limits allow)`);
    console.log(`  clean + prove (proxy)          ${fmt(attackProxy)}   = ${(attackProxy.p50 / answer.p50).toFixed(1)} x the answer p50`);
    console.log(`  answer -> clean (API)          ${fmt(attackApi)}   = ${(attackApi.p50 / answer.p50).toFixed(1)} x the answer p50`);
    console.log(`workers retired: ${platform.stats()[0]?.retiredUnclean ?? 0}`);
  } finally {
    await platform.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
