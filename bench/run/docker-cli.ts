/**
 * The `docker` command line, bounded. The bench drives containers through the CLI on purpose: the
 * peers' model *is* a `docker run` per request (as codapi and glot do it), so the bench pays exactly
 * what they pay, client process included.
 */

import { execFile } from 'node:child_process';

export interface DockerOutput {
  stdout: string;
  stderr: string;
}

/** Runs `docker ARGS`; rejects on a non-zero exit or past `timeoutMs` (the child is killed). */
export function docker(args: string[], timeoutMs = 30_000): Promise<DockerOutput> {
  return new Promise((resolve, reject) => {
    execFile('docker', args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`docker ${args.slice(0, 3).join(' ')} …: ${error.message.trim()}\n${stderr.trim()}`));
        return;
      }
      resolve({ stdout, stderr });
    });
  });
}
