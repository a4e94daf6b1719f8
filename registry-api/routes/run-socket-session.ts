/**
 * One `GET /v1/run/ws` session, once upgraded: the first message is the run request, the next ones
 * stdin for the program; the program's output goes out as it comes, then the run's answer (or an
 * error), and the session closes. A client that goes away cancels the run and frees its worker.
 */

import type { FastifyRequest } from 'fastify';
import { CoderingError } from '../../errors';
import type { RunInput, SocketServerMessage } from '../contract';
import { InteractiveStdin, type Executor } from '../executor';
import { describeFailure } from '../http';
import { OutputChunks, parseRunMessage, parseStdinMessage, type StreamChunk } from '../streaming';
import { CLOSE_CODE, type WebSocketConnection, type WebSocketMessage } from '../websocket';

/** The subprotocol we speak, named back to a client that offers it. */
export const SOCKET_PROTOCOL = 'codering.v1';
/** How long an opened session waits for its run request. */
export const FIRST_MESSAGE_MS = 10_000;
/** A session's errors close with 4000 + the status the same error gets over HTTP. */
const ERROR_CLOSE_BASE = 4000;

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
    /** The run's stdin limit (CODERING_MAX_STDIN_BYTES): the request's stdin and the messages' together. */
    private readonly maxStdinBytes: number,
  ) {
    connection.onMessage((message) => this.onMessage(message));
    connection.onClose(() => {
      clearTimeout(this.firstMessage);
      this.abort.abort();
    });
    this.firstMessage = setTimeout(
      () => this.fail(new CoderingError('invalid_request', `no run request within ${FIRST_MESSAGE_MS / 1000} s of opening`, {})),
      FIRST_MESSAGE_MS,
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
        throw new CoderingError('invalid_request', `stdin is larger than ${this.maxStdinBytes} bytes (the request's and the messages' together)`, {
          field: 'stdin',
          maximum: this.maxStdinBytes,
        });
      }
      if (input.eof) this.stdin.end();
    } catch (error) {
      this.fail(error);
    }
  }

  private start(body: RunInput): void {
    const stdin = new InteractiveStdin(Math.max(0, this.maxStdinBytes - Buffer.byteLength(body.stdin ?? '', 'utf8')));
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
