/**
 * How `/docs` describes the streamed runs, which OpenAPI 3.0 can only tell in words and examples:
 * the event stream of `POST /v1/run` (a second media type of its 200) and the messages of
 * `GET /v1/run/ws` (OpenAPI has no WebSocket; its route's description carries them).
 */

import { Type } from '@sinclair/typebox';
import type { SocketSessionConfig } from './run-socket-session';

const EVENTS_EXAMPLE = [
  'event: stderr',
  'data: {"data":"main.c:3:9: warning: unused variable \'x\'\\n","phase":"compile"}',
  '',
  'event: stdout',
  'data: {"data":"tick 1\\n","phase":"run"}',
  '',
  'event: stderr',
  'data: {"data":"//79","encoding":"base64","phase":"run"}',
  '',
  'event: stdout',
  'data: {"data":"tick 2\\n","phase":"run"}',
  '',
  'event: result',
  'data: {"status":"ok","stdout":"tick 1\\ntick 2\\n","stderr":"\\ufffd","exitCode":0,…}',
  '',
  '',
].join('\n');

const EVENTS_DESCRIPTION = `Server-sent events, sent when \`Accept\` names \`text/event-stream\`. Each event is
\`event: <name>\` and one \`data:\` line of JSON:
- \`stdout\`, \`stderr\`: \`{"data": "<text>", "phase": "compile" | "run"}\` as the compiler (\`compile\`, compiled
  languages, all of it first), then the program (\`run\`), writes, in order; when a chunk's bytes are not UTF-8,
  \`{"data": "<base64>", "encoding": "base64", "phase": …}\` (a character cut between two writes waits for its end, it is not base64);
- \`result\`: the run's answer, the same JSON as without streaming (its \`stdout\` and \`stderr\` hold everything again);
- \`error\`: \`{"error": {code, message, details}}\` when the run fails after the events began (every worker failed, say).
  A failure before the run starts (a bad request, a full queue) is the usual HTTP error answer instead.

The run goes to ONE worker (no race: a second copy's output would be streamed twice), and is retried on another worker
only while nothing was streamed. Every limit holds: wall and CPU time, memory, and the output limit, which counts the
streamed bytes (stdout and stderr together). A client that closes the connection cancels the run and frees its worker.
Output is buffered as on a terminal, line by line: a plain \`print\` loop streams each line as printed in every language
(python, ruby, C and C++, which buffer a pipe whole, are started line-buffered or unbuffered; the program sees
\`CODERING_STREAM=1\`).
On the Nuclio platform a function answers once: the events come together at the end.`;

/** The second media type of `POST /v1/run`'s 200. */
export const eventStreamResponse = {
  'text/event-stream': {
    schema: Type.String({ description: EVENTS_DESCRIPTION, example: EVENTS_EXAMPLE }),
  },
};

/** The description of `GET /v1/run/ws`, with the waits this API started with. */
export function runSocketDescription(config: SocketSessionConfig): string {
  const heartbeat =
    config.socketPingMs > 0
      ? `The server pings every ${config.socketPingMs} ms (\`CODERING_SOCKET_PING_MS\`): a client that has not answered a ping
(pong) by the next one is dropped (close code 1006, no closing handshake), which cancels its run and frees its worker as
a close does. Browsers and WebSocket libraries answer pings by themselves.`
      : `The server sends no pings (\`CODERING_SOCKET_PING_MS=0\`): a client gone without closing keeps its run to its end.`;
  return `A run with interactive stdin, over a WebSocket (RFC 6455).

**Key**: as for \`POST /v1/run\`. A browser can't set \`Authorization\` on a WebSocket: it sends the key as a subprotocol,
\`new WebSocket(url, ["codering.v1", "codering.bearer." + key])\`; the server answers \`codering.v1\` (never the key).
The key is not accepted in the URL (URLs end up in logs). A page's \`Origin\` must be one CORS allows.

**Client → server**, JSON text messages:
1. the run request, exactly the body of \`POST /v1/run\`;
2. then any number of \`{"type": "stdin", "data": "<text>"}\` (bytes for the program's stdin, in order) and
   \`{"type": "stdin", "eof": true}\` (closes its stdin; \`data\` and \`eof\` may share a message). Stdin sent before the
   program starts waits for it. The request's \`stdin\` comes first; it and the messages count against the stdin limit.

**Server → client**, JSON text messages:
- \`{"type": "stdout" | "stderr", "data": "<text>", "phase": "compile" | "run"}\` as the compiler, then the program, writes
  (\`"encoding": "base64"\` when not UTF-8);
- then one \`{"type": "result", "result": <the answer of POST /v1/run>}\` and a close with code 1000,
- or one \`{"type": "error", "error": {code, message, details}}\` and a close with code 4000 + the HTTP status the same
  error gets (4400 for a bad request, 4429 for a full queue, 4500 …).

**Waits**: the run request must come within ${config.socketFirstMessageMs} ms of the handshake
(\`CODERING_SOCKET_FIRST_MESSAGE_MS\`), or the session ends with an \`invalid_request\` error and a 4400 close.
${heartbeat}

Closing the socket cancels the run and frees its worker. As with events, the run uses ONE worker (no race), keeps
every limit of a run, and buffers output as a terminal does; C and C++ also flush a prompt before they read. Not on the Nuclio platform (a function takes
its stdin with the event): 501 \`interactive_unsupported\`.

Example:
\`\`\`
→ {"runtime": "python@3", "files": [{"name": "main.py", "content": "while True:\\n    print('echo', input())"}]}
→ {"type": "stdin", "data": "hello\\n"}
← {"type": "stdout", "data": "echo hello\\n", "phase": "run"}
→ {"type": "stdin", "eof": true}
← {"type": "stderr", "data": "Traceback (most recent call last):\\n…EOFError: EOF when reading a line\\n", "phase": "run"}
← {"type": "result", "result": {"status": "runtime_error", "exitCode": 1, …}}
\`\`\``;
}
