/**
 * The peers' model (codapi, glot): a fresh hardened container per request, `docker run --rm -i …
 * <image> --once`, the request on stdin, the result on stdout (the proxy's `--once` mode, the same
 * image and proxy as ours). Every answer is decoded and checked like ours.
 */

import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { decodeProxyResult, encodeProxyRequest } from '../../proxy';
import { DEFAULT_CONFIG } from '../../config';
import { benchContainerName } from './bench-containers';
import { benchLabels } from './bench-labels';
import type { RunCase } from './bench-programs';
import { checkAnswer } from './answer-check';
import { hardenedRunFlags } from './hardened-run-flags';

/** Longer than `docker run` ever takes here, even 16 at once on 2 cores. */
const ONCE_TIMEOUT_MS = 60_000;

export function encodeOnceRequest(program: RunCase, id: string): Buffer {
  return encodeProxyRequest({
    requestId: id,
    files: program.files,
    main: program.main,
    stdin: program.stdin,
    args: program.args,
    // the API's default limits, so that both sides run under the same ones
    limits: DEFAULT_CONFIG.defaultLimits,
  });
}

/** One request the peers' way; resolves with its latency, rejects with what went wrong. */
export function peerOnceRun(image: string, program: RunCase, id: string): Promise<number> {
  const request = encodeOnceRequest(program, id);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('docker', ['run', '--rm', '-i', '--name', benchContainerName('once'), ...hardenedRunFlags(benchLabels()), image, '--once'], {
      stdio: 'pipe',
    });
    const stdout: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), ONCE_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const ms = performance.now() - started;
      if (code !== 0) {
        reject(new Error(`docker run --once ended with ${signal ?? code}: ${stderr.trim().slice(0, 300)}`));
        return;
      }
      try {
        const result = decodeProxyResult(Buffer.concat(stdout));
        checkAnswer(program, result.status, result.stdout);
        resolve(ms);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    child.stdin.end(request);
  });
}
