/**
 * What every bench of the API does around its sections: the header line with the machine's
 * conditions, the time since it started and the load when a section starts, and the cleanups that
 * run however it ends (normal end, an error, Ctrl-C) — the bench's own containers removed last.
 */

import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { removeBenchContainers } from './bench-containers';
import { benchConditions, type BenchConditions } from './bench-report';
import { CleanupStack } from './cleanup-stack';
import { docker } from './docker-cli';
import { closeRunClient } from './run-client';

export function elapsed(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(1)} s`;
}

/** The load when a section starts: the first thing to look at when two runs disagree. */
export function load(): string {
  return ` (load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')})`;
}

export interface BenchRun {
  startedAt: Date;
  /** `performance.now()` at the start, for `elapsed`. */
  since: number;
  conditions: BenchConditions;
  /** Steps to undo at the end (an API process, …), last in first out. */
  cleanups: CleanupStack;
}

/**
 * Runs `sections` as the bench `name` (`run`, `catalogue`); they resolve to true when the bench
 * found an error of its own (a wrong answer, a failed request), which makes the exit status non-zero.
 */
export function runBench(name: string, quick: boolean, sections: (run: BenchRun) => Promise<boolean>): void {
  const main = async (): Promise<void> => {
    const startedAt = new Date();
    const since = performance.now();
    const cleanups = new CleanupStack();
    cleanups.runOnSignals();
    cleanups.push('bench containers', async () => {
      const removed = await removeBenchContainers();
      if (removed > 0) console.log(`cleanup: removed ${removed} bench container(s)`);
    });
    try {
      const dockerServer = (await docker(['version', '--format', '{{.Server.Version}}'], 10_000)).stdout.trim();
      const conditions = benchConditions(startedAt, dockerServer);
      console.log(`codering-x ${name} bench${quick ? ' (quick)' : ''}: ${os.cpus().length} CPUs, load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}, Docker ${dockerServer}, Node ${process.version}, commit ${conditions.commit}`);
      if (await sections({ startedAt, since, conditions, cleanups })) process.exitCode = 1;
    } finally {
      closeRunClient();
      await cleanups.runAll();
    }
  };
  main().catch((error: unknown) => {
    console.error('bench failed:', error instanceof Error ? error.stack ?? error.message : error);
    process.exitCode = 1;
  });
}
