/**
 * One `GET /v1/run/ws` session, once upgraded: the first message is the run request, the next ones
 * stdin for the program; the program's output goes out as it comes, then the run's answer (or an
 * error), and the session closes. A client that goes away cancels the run and frees its worker.
 */

import type { FastifyRequest } from 'fastify';
import { CoderingError } from '../../errors';
import type { CoderingConfig } from '../config';
import type { RunInput, SocketServerMessage } from '../contract';
import { InteractiveStdin, type Executor } from '../executor';
import { describeFailure } from '../http';
import { OutputChunks, parseRunMessage, parseStdinMessage, type StreamChunk } from '../streaming';
import { CLOSE_CODE, type WebSocketConnection, type WebSocketMessage } from '../websocket';

/** The subprotocol we speak, named back to a client that offers it. */
export const SOCKET_PROTOCOL = 'codering.v1';
/** A session's errors close with 4000 + the status the same error gets over HTTP. */
const ERROR_CLOSE_BASE = 4000;

/**
 * What a session reads from the configuration: the stdin limit (the request's stdin and the
 * messages' together), the wait for the run request, and the interval of the heartbeat's pings.
 */
export type SocketSessionConfig = Pick<CoderingConfig, 'maxStdinBytes' | 'socketFirstMessageMs' | 'socketPingMs'>;

export class RunSocketSession {
  private stdin: InteractiveStdin | null = null;
  private readonly abort = new AbortController();
  private readonly chunks = new OutputChunks();
  private finished = false;
  private readonly firstMessage: NodeJS.Timeout;

  constructor(
    private readonly connection: WebSocketConnection,
    private readonly request: FastifyRequest,
    private readonly executor: Executor,
    private readonly config: SocketSessionConfig,
  ) {
    connection.onMessage((message) => this.onMessage(message));
    connection.onClose(() => {
      clearTimeout(this.firstMessage);
      this.abort.abort();
    });
    // A client gone without closing (no FIN) would otherwise keep this session, and the worker of
    // its run (waiting for stdin, say), until the run's wall limit: unanswered pings drop it, and
    // the drop is a close, which cancels the run and frees the worker like any client that leaves.
    connection.keepAlive(config.socketPingMs, () =>
      request.log.info({ pingMs: config.socketPingMs }, 'websocket client answered no ping: dropped, its run cancelled'),
    );
    this.firstMessage = setTimeout(
      () => this.fail(new CoderingError('invalid_request', `no run request within ${config.socketFirstMessageMs} ms of opening`, {})),
      config.socketFirstMessageMs,
    );
  }

  private onMessage(message: WebSocketMessage): void {
    if (this.finished) return;
    try {
      if (this.stdin === null) {
        clearTimeout(this.firstMessage);
        this.start(parseRunMessage(message));
        return;
      }
      const input = parseStdinMessage(message);
      if (input.data.length > 0 && !this.stdin.write(input.data)) {
        throw new CoderingError('invalid_request', `stdin is larger than ${this.config.maxStdinBytes} bytes (the request's and the messages' together)`, {
          field: 'stdin',
          maximum: this.config.maxStdinBytes,
        });
      }
      if (input.eof) this.stdin.end();
    } catch (error) {
      this.fail(error);
    }
  }

  private start(body: RunInput): void {
    const stdin = new InteractiveStdin(Math.max(0, this.config.maxStdinBytes - Buffer.byteLength(body.stdin ?? '', 'utf8')));
    this.stdin = stdin;
    this.executor
      .run(body, {
        requestId: this.request.id,
        signal: this.abort.signal,
        stream: {
          output: (stream, data, phase) => this.sendChunks(this.chunks.push(stream, data, phase)),
          stdin,
        },
      })
      .then(
        (result) => {
          if (this.finished) return;
          this.flush();
          this.send({ type: 'result', result });
          this.finish(CLOSE_CODE.normal, 'done');
        },
        (error: unknown) => this.fail(error),
      );
  }

  /** Says what failed, closes with 4000 + its HTTP status, and cancels the run if it still runs. */
  private fail(error: unknown): void {
    if (this.finished) return;
    const { status, body } = describeFailure(error, this.request);
    this.flush();
    this.send({ type: 'error', error: body.error });
    this.finish(ERROR_CLOSE_BASE + status, body.error.code);
    this.abort.abort();
  }

  private finish(code: number, reason: string): void {
    this.finished = true;
    clearTimeout(this.firstMessage);
    this.connection.close(code, reason);
  }

  private flush(): void {
    this.sendChunks(this.chunks.flush());
  }

  private sendChunks(chunks: StreamChunk[]): void {
    for (const { stream, chunk } of chunks) this.send({ type: stream, ...chunk });
  }

  private send(message: SocketServerMessage): void {
    this.connection.send(JSON.stringify(message));
  }
}
