/**
 * The floor: the bare interpreter, started by a shell loop inside one container of the runtime image,
 * hardened like a worker. Each line on the container's stdin names a program; the loop runs it with
 * the image's own `runtime.sh run` (the very command our proxy runs: one `exec` of a POSIX shell over
 * the bare interpreter, ~1 ms) and prints a marker. The host times line → marker. What remains is the
 * interpreter's own start plus the loop: nothing of ours (proxy, API, HTTP) is in it.
 */

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { benchContainerName } from './bench-containers';
import { benchLabels } from './bench-labels';
import type { BenchProgram } from './bench-programs';
import { hardenedRunFlags } from './hardened-run-flags';

/** Ends the program's output; a control byte no test program prints. */
const MARKER = '\x1e';
const READY = '__floor_ready__';
const START_TIMEOUT_MS = 60_000;
const ITERATION_TIMEOUT_MS = 20_000;

export interface FloorIteration {
  ms: number;
  stdout: string;
  exitCode: number;
}

function loopScript(programs: readonly BenchProgram[]): string {
  // Files travel as base64 inside the command: the container has no mount and no environment of ours.
  const setup = programs.map((program) => {
    const dir = `/box/${program.name}`;
    const source = Buffer.from(program.source).toString('base64');
    const stdin = Buffer.from(program.stdin).toString('base64');
    return [
      `mkdir -p ${dir}`,
      `printf '%s' '${source}' | base64 -d > ${dir}/${program.main}`,
      `printf '%s' '${stdin}' | base64 -d > ${dir}/stdin.txt`,
    ].join('\n');
  });
  return [
    'set -eu',
    ...setup,
    `echo ${READY}`,
    // only shell built-ins between two runs, so that the loop adds no process of its own
    'while IFS=" " read -r name main; do',
    '  cd "/box/$name"',
    '  code=0',
    '  CODERING_MAIN="$main" HOME=/box /bin/sh /opt/codering/runtime.sh run < stdin.txt 2>&1 || code=$?',
    `  printf '${MARKER}%s\\n' "$code"`,
    'done',
  ].join('\n');
}

export class FloorLoop {
  private buffer = '';
  private waiter: ((text: string) => void) | undefined;
  private exited: string | undefined;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      this.buffer += chunk;
      this.waiter?.(this.buffer);
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    child.on('exit', (code, signal) => {
      this.exited = `the floor container ended (${signal ?? code}): ${stderr.trim()}`;
      this.waiter?.(this.buffer);
    });
  }

  /** Starts the container and waits until the programs are in its tmpfs. */
  static async start(image: string, programs: readonly BenchProgram[]): Promise<FloorLoop> {
    const args = [
      'run', '--rm', '-i', '--name', benchContainerName('floor'),
      ...hardenedRunFlags(benchLabels()),
      // the sandbox user, as the proxy runs programs; /box is its tmpfs
      '--user', '1000:1000',
      '--entrypoint', '/bin/sh',
      image, '-c', loopScript(programs),
    ];
    const loop = new FloorLoop(spawn('docker', args, { stdio: 'pipe' }));
    await loop.waitFor((text) => text.includes(`${READY}\n`), START_TIMEOUT_MS);
    loop.buffer = '';
    return loop;
  }

  async run(program: BenchProgram): Promise<FloorIteration> {
    this.buffer = '';
    const started = performance.now();
    this.child.stdin.write(`${program.name} ${program.main}\n`);
    const text = await this.waitFor((seen) => seen.endsWith('\n') && seen.includes(MARKER), ITERATION_TIMEOUT_MS);
    const ms = performance.now() - started;
    const at = text.lastIndexOf(MARKER);
    return { ms, stdout: text.slice(0, at), exitCode: Number(text.slice(at + 1).trim()) };
  }

  /** Ends the loop (EOF on its stdin); `--rm` removes the container, the label sweep catches the rest. */
  stop(): void {
    this.child.stdin.end();
    setTimeout(() => this.child.kill('SIGKILL'), 5000).unref();
  }

  private waitFor(done: (text: string) => boolean, timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new Error(`the floor loop did not answer within ${timeoutMs} ms; output so far: ${JSON.stringify(this.buffer)}`));
      }, timeoutMs);
      this.waiter = (text) => {
        if (done(text)) {
          clearTimeout(timer);
          this.waiter = undefined;
          resolve(text);
        } else if (this.exited !== undefined) {
          clearTimeout(timer);
          this.waiter = undefined;
          reject(new Error(this.exited));
        }
      };
      this.waiter(this.buffer);
    });
  }
}
