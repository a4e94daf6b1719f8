/**
 * The proxy binary, driven through its only interface: stdin and stdout. It is compiled from
 * proxy/c/ with the host's gcc (the host is Debian bookworm, so the binary links the same glibc as
 * the Debian root image) and always run INSIDE a throwaway container of that root, never on the
 * host: after every answer it kills every process it can reach and empties /tmp.
 *
 * The container is a worker's bare minimum: read-only root, no network, /box and /tmp as tmpfs.
 * Its program is `/bin/sh /opt/codering/runtime.sh run`, so a tiny runtime.sh of ours runs the
 * request's `main` with sh; a small C probe is there for what a shell can't do (a raw syscall).
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROXY_SOURCE_DIR, ProxyFrameReader } from '../../../proxy';

/** The Debian root every codering image starts FROM; present on any engine prepared for codering. */
export const ROOT_IMAGE = 'codering/debian:bookworm';
export const PROXY_PATH = '/opt/codering/bin/codering-proxy';
/** The C probe, for calls a shell can't make. */
export const PROBE_PATH = '/opt/codering/bin/probe';

/**
 * A runtime.sh as small as the contract allows: `run` execs the main file with sh, `compile` (for
 * CODERING_COMPILED=1) fails when the request has a file `fail-compile` and otherwise builds
 * `.built` (a copy of the main file, mode 750, as a compiler's program), `prewarm` waits for
 * `main NUL arg…` on fd 3 like an interpreter that started before the request (and says so in
 * PREWARMED).
 */
const RUNTIME_SH = `#!/bin/sh
case "$1" in
  run) shift; exec sh "$CODERING_MAIN" "$@" ;;
  compile) if [ -e fail-compile ]; then echo "cannot compile" >&2; exit 1; fi; cp "$CODERING_MAIN" .built; chmod 750 .built; echo "compiled $CODERING_MAIN"; exit 0 ;;
  prewarm) set -- $(tr '\\000' '\\n' <&3); main="$1"; shift; PREWARMED=yes exec sh "$main" "$@" ;;
  *) exit 64 ;;
esac
`;

/** Prints what io_uring_setup answers (the sandbox's filter must say ENOSYS, 38). */
const PROBE_C = `#include <errno.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>
#ifndef __NR_io_uring_setup
#define __NR_io_uring_setup 425
#endif
int main(void) {
  long rc = syscall(__NR_io_uring_setup, 1, NULL);
  printf("io_uring_setup %ld errno %d\\n", rc, rc < 0 ? errno : 0);
  return 0;
}
`;

export interface ContainerOptions {
  /** Extra environment of the container (the image's ENV, as the proxy sees it). */
  env?: Record<string, string>;
  /** The worker's own uid (CODERING_SANDBOX_UID), which owns /box as on the local platform. */
  sandboxUid?: number;
  /** A shell command run before the proxy starts (which then replaces the shell as PID 1), as root unless `pod`. */
  before?: string;
  /**
   * As a Nuclio function's pod runs it: the sandbox user (1000) with no capability at all, and /box
   * an emptyDir (root's, mode 0777), so the proxy shares its uid with the platform's processes.
   */
  pod?: boolean;
}

export interface ProxyExit {
  stdout: Buffer;
  stderr: string;
  code: number | null;
}

function gcc(args: string[]): void {
  const built = spawnSync('gcc', args, { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`gcc ${args.join(' ')} failed:\n${built.stderr}`);
}

/** Frames of a --serve session, handed out in order as they arrive. */
class FrameQueue {
  private readonly frames: Buffer[] = [];
  private waiter: ((frame: Buffer) => void) | null = null;
  readonly reader = new ProxyFrameReader((frame) => {
    if (this.waiter) {
      const wake = this.waiter;
      this.waiter = null;
      wake(frame);
    } else {
      this.frames.push(frame);
    }
  });

  next(timeoutMs: number): Promise<Buffer> {
    const ready = this.frames.shift();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(new Error(`no frame from the proxy within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiter = (frame) => {
        clearTimeout(timer);
        resolve(frame);
      };
    });
  }
}

/** One `--serve` proxy: requests in, frames out, stdin kept open until close(). */
export class ServeSession {
  private readonly queue = new FrameQueue();
  private readonly raw: Buffer[] = [];
  private stderr = '';
  private readonly exited: Promise<number | null>;

  constructor(private readonly child: ReturnType<typeof spawn>) {
    child.stdout?.on('data', (chunk: Buffer) => {
      this.raw.push(chunk);
      this.queue.reader.push(chunk);
    });
    child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
    this.exited = new Promise((resolve) => child.on('close', (code) => resolve(code)));
  }

  send(bytes: Buffer | string): void {
    this.child.stdin?.write(bytes);
  }

  /** The next frame's JSON, parsed. */
  async frame(timeoutMs = 30_000): Promise<Record<string, unknown>> {
    return JSON.parse((await this.queue.next(timeoutMs)).toString('utf8')) as Record<string, unknown>;
  }

  /** Sends a request and reads its two frames: the result, then the worker's state. */
  async run(request: Buffer): Promise<{ result: Record<string, unknown>; state: Record<string, unknown> }> {
    this.send(request);
    const result = await this.frame();
    const state = await this.frame();
    return { result, state };
  }

  /** Everything the proxy wrote so far, frames and all. */
  output(): Buffer {
    return Buffer.concat(this.raw);
  }

  /** Resolves when the proxy has ended by itself (a retirement, a malformed request). */
  ended(): Promise<ProxyExit> {
    return this.exited.then((code) => ({ stdout: this.output(), stderr: this.stderr, code }));
  }

  /** Closes stdin (the caller goes away) and waits for the proxy to end. */
  close(): Promise<ProxyExit> {
    this.child.stdin?.end();
    return this.ended();
  }
}

/** The compiled proxy (and probe, and runtime.sh) in a temp folder, and the containers run from it. */
export class ProxyHarness {
  private readonly containers = new Set<string>();

  private constructor(private readonly dir: string) {}

  /** Compiles every C file of the proxy together, warnings as errors, as the images build it. */
  static build(): ProxyHarness {
    const missing = spawnSync('docker', ['image', 'inspect', ROOT_IMAGE], { encoding: 'utf8' });
    if (missing.status !== 0) throw new Error(`${ROOT_IMAGE} is not on the engine: run scripts/prepare-engine.sh`);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'codering-proxy-test-'));
    const sources = readdirSync(PROXY_SOURCE_DIR)
      .filter((name) => name.endsWith('.c'))
      .map((name) => path.join(PROXY_SOURCE_DIR, name));
    gcc(['-O2', '-Wall', '-Wextra', '-Werror', '-o', path.join(dir, 'codering-proxy'), ...sources]);
    writeFileSync(path.join(dir, 'probe.c'), PROBE_C);
    gcc(['-O2', '-o', path.join(dir, 'probe'), path.join(dir, 'probe.c')]);
    writeFileSync(path.join(dir, 'runtime.sh'), RUNTIME_SH);
    // the sandbox user (uid 1000) must read runtime.sh; the folder itself is never seen inside
    chmodSync(path.join(dir, 'runtime.sh'), 0o644);
    return new ProxyHarness(dir);
  }

  private start(mode: '--once' | '--serve', options: ContainerOptions): ReturnType<typeof spawn> {
    const name = `codering-proxy-test-${randomBytes(6).toString('hex')}`;
    this.containers.add(name);
    const variables = { ...options.env, ...(options.sandboxUid ? { CODERING_SANDBOX_UID: String(options.sandboxUid) } : {}) };
    const env = Object.entries(variables).flatMap(([key, value]) => ['-e', `${key}=${value}`]);
    const boxUid = options.sandboxUid ?? 1000;
    const box = options.pod ? '/box:uid=0,gid=0,mode=0777' : `/box:uid=${boxUid},gid=1000,mode=0755`;
    const identity = options.pod ? ['--user', '1000:1000', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges'] : [];
    const command = options.before ? ['/bin/sh', '-c', `${options.before}; exec ${PROXY_PATH} ${mode}`] : [PROXY_PATH, mode];
    return spawn(
      'docker',
      [
        'run', '--rm', '-i', '--name', name,
        '--label', 'org.codering.managed=true', '--label', 'org.codering.kind=proxy-test',
        '--read-only', '--network', 'none', ...identity,
        '--tmpfs', box, '--tmpfs', '/tmp:mode=1777',
        '-v', `${path.join(this.dir, 'codering-proxy')}:${PROXY_PATH}:ro`,
        '-v', `${path.join(this.dir, 'probe')}:${PROBE_PATH}:ro`,
        '-v', `${path.join(this.dir, 'runtime.sh')}:/opt/codering/runtime.sh:ro`,
        ...env, ROOT_IMAGE, ...command,
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
  }

  /** `--once`: the request on stdin until EOF, one JSON result on stdout. */
  once(request: Buffer | string, options: ContainerOptions = {}): Promise<ProxyExit> {
    const child = this.start('--once', options);
    const stdout: Buffer[] = [];
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.stdin?.end(request);
    return new Promise((resolve) => child.on('close', (code) => resolve({ stdout: Buffer.concat(stdout), stderr, code })));
  }

  /** `--once`, parsed: the one JSON result. */
  async onceResult(request: Buffer | string, options: ContainerOptions = {}): Promise<Record<string, unknown>> {
    const ran = await this.once(request, options);
    if (ran.code !== 0) throw new Error(`the proxy ended with ${ran.code}: ${ran.stderr}`);
    return JSON.parse(ran.stdout.toString('utf8')) as Record<string, unknown>;
  }

  serve(options: ContainerOptions = {}): ServeSession {
    return new ServeSession(this.start('--serve', options));
  }

  /** Removes every container it started (if one is still there) and the temp folder. */
  remove(): void {
    for (const name of this.containers) spawnSync('docker', ['rm', '-f', name], { stdio: 'ignore' });
    this.containers.clear();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** For a test file: compiles the proxy before its tests, removes what they left after; call the getter in a test. */
export function useProxyHarness(): () => ProxyHarness {
  let harness: ProxyHarness | undefined;
  beforeAll(() => {
    harness = ProxyHarness.build();
  });
  afterAll(() => harness?.remove());
  return () => {
    if (!harness) throw new Error('the proxy harness is built in beforeAll');
    return harness;
  };
}
