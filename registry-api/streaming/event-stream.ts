/**
 * Server-sent events for `POST /v1/run` with `Accept: text/event-stream`: `event: <name>` and one
 * `data:` line of JSON each (JSON has no raw newline, so one line always holds it). The answer opens
 * lazily: until then an error can still be an ordinary HTTP error answer; once open, it is 200 and
 * errors are events. A comment every 15 s keeps intermediaries from closing a quiet stream.
 */

import { PassThrough } from 'node:stream';
import type { FastifyReply } from 'fastify';

const HEARTBEAT_MS = 15_000;

/** One event, framed. */
export function serverSentEvent(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

export class EventStream {
  private body: PassThrough | null = null;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(private readonly reply: FastifyReply) {}

  get opened(): boolean {
    return this.body !== null;
  }

  /** Sends the 200 and its headers (the reply's own, CORS and request id included); once. */
  open(): void {
    if (this.body !== null) return;
    const body = new PassThrough();
    // a client gone mid-stream destroys the body: what is written after is dropped, not thrown
    body.on('error', () => undefined);
    this.body = body;
    void this.reply
      .code(200)
      .header('content-type', 'text/event-stream; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('x-accel-buffering', 'no')
      .send(body);
    this.heartbeat = setInterval(() => this.write(': keep-alive\n\n'), HEARTBEAT_MS);
  }

  send(name: string, data: unknown): void {
    this.open();
    this.write(serverSentEvent(name, data));
  }

  end(): void {
    clearInterval(this.heartbeat);
    if (this.body !== null && !this.body.destroyed) this.body.end();
  }

  private write(text: string): void {
    if (this.body !== null && !this.body.destroyed && !this.body.writableEnded) this.body.write(text);
  }
}
