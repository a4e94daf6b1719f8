import { PassThrough } from 'node:stream';
import type { WorkerStreams } from '../../../registry-api/platform/local';

/**
 * The container side of a worker's stdio, scripted by the test: it sees each request the worker
 * writes and answers frames as the proxy would.
 */
export class FakeProxy {
  readonly stdin = new PassThrough();
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly received: string[] = [];
  destroyed = false;

  constructor() {
    this.stdin.on('data', (chunk: Buffer) => this.received.push(chunk.toString('utf8')));
  }

  get streams(): WorkerStreams {
    return {
      stdin: this.stdin,
      stdout: this.stdout,
      stderr: this.stderr,
      destroy: () => {
        this.destroyed = true;
        this.stdout.end();
      },
    };
  }

  /**
   * Answers a result, then (as the real proxy does after cleaning) the worker's state: `clean`
   * by default, `retired`, or nothing yet (`none`: the test sends it later with `state`).
   */
  answer(result: Record<string, unknown>, after: 'clean' | 'retired' | 'none' = 'clean'): void {
    const json = JSON.stringify({
      exitCode: 0,
      signal: null,
      stdout: '',
      stderr: '',
      stdoutTruncated: false,
      stderrTruncated: false,
      compile: null,
      wallMs: 1,
      cpuMs: 1,
      memoryBytes: 1,
      message: '',
      ...result,
    });
    this.stdout.write(`codering/1 ${Buffer.byteLength(json)}\n${json}\n`);
    if (after !== 'none' && result.status !== 'internal_error') this.state(after);
  }

  /** An output frame of a streamed run, as the proxy writes one while the program runs. */
  output(stream: 'stdout' | 'stderr', data: string | Buffer): void {
    const json = JSON.stringify({ stream, data: Buffer.from(data).toString('base64') });
    this.stdout.write(`codering/1 ${Buffer.byteLength(json)}\n${json}\n`);
  }

  state(state: 'clean' | 'retired'): void {
    const json = JSON.stringify(state === 'clean' ? { state, cleanMs: 1 } : { state, reason: '/box still has 3 entries' });
    this.stdout.write(`codering/1 ${Buffer.byteLength(json)}\n${json}\n`);
  }

  die(lastWords = ''): void {
    if (lastWords) this.stderr.write(lastWords);
    this.stdout.end();
  }
}
