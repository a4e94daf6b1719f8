/**
 * `POST /v1/run` answered as server-sent events, when the client's `Accept` names
 * `text/event-stream`: `stdout` and `stderr` events as the program writes, then one `result` event
 * with the answer a plain run gets. The answer opens when a worker has the run: every failure before
 * (a bad request, a full queue) is the usual HTTP error answer; after, it is an `error` event.
 */

import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RunInput } from '../contract';
import type { Executor } from '../executor';
import { describeFailure } from '../http';
import { EventStream, OutputChunks, type StreamChunk } from '../streaming';

const EVENT_STREAM = 'text/event-stream';

/** The client asks for events: `Accept` names text/event-stream (with any other type beside). */
export function acceptsEventStream(accept: string | undefined): boolean {
  return (accept ?? '')
    .split(',')
    .some((range) => range.split(';')[0]?.trim().toLowerCase() === EVENT_STREAM);
}

export async function answerWithEvents(
  request: FastifyRequest,
  body: RunInput,
  reply: FastifyReply,
  executor: Executor,
  signal: AbortSignal,
): Promise<void> {
  const events = new EventStream(reply);
  const chunks = new OutputChunks();
  const send = (sent: StreamChunk[]): void => {
    for (const { stream, chunk } of sent) events.send(stream, chunk);
  };
  try {
    const response = await executor.run(body, {
      requestId: request.id,
      signal,
      stream: {
        started: () => events.open(),
        output: (stream, data, phase) => send(chunks.push(stream, data, phase)),
      },
    });
    send(chunks.flush());
    events.send('result', response);
  } catch (error) {
    if (!events.opened) throw error;
    send(chunks.flush());
    events.send('error', describeFailure(error, request).body);
  } finally {
    events.end();
  }
}
