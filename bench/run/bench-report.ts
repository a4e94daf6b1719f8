/**
 * The JSON report of one bench run, `<data dir>/bench/<bench>-<timestamp>.json`: every summary, the raw
 * sequential samples and the conditions (machine load, engine, commit), so that a number can be
 * traced back to what produced it.
 */

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { factoryConfig, REPOSITORY_ROOT } from '../../factory';

export interface BenchConditions {
  startedAt: string;
  host: { cpus: number; loadAverage: number[]; totalMemoryBytes: number; kernel: string };
  node: string;
  dockerServer: string;
  commit: string;
}

function gitCommit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPOSITORY_ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: REPOSITORY_ROOT, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head}+changes` : head;
  } catch {
    return 'unknown';
  }
}

export function benchConditions(startedAt: Date, dockerServer: string): BenchConditions {
  return {
    startedAt: startedAt.toISOString(),
    host: { cpus: os.cpus().length, loadAverage: os.loadavg(), totalMemoryBytes: os.totalmem(), kernel: os.release() },
    node: process.version,
    dockerServer,
    commit: gitCommit(),
  };
}

export function benchDir(): string {
  return path.join(factoryConfig().dataDir, 'bench');
}

/** Writes the report of the bench named `bench` (`run`, `catalogue`); returns its path. */
export function writeBenchReport(startedAt: Date, report: object, bench = 'run'): string {
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const file = path.join(benchDir(), `${bench}-${stamp}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}
