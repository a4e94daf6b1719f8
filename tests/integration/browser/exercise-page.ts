/**
 * The page a learning platform's front-end developer would write against the API, from the README
 * and /docs alone: a console that runs a student's program three ways (a plain run, a run streamed
 * as server-sent events read with fetch, an interactive run over the WebSocket), with a key of scope
 * `run`, from the platform's own origin. Served by a small HTTP server on 127.0.0.1; each way is a
 * function the test calls in the browser, which writes what the student sees into the console.
 */

import http from 'node:http';
import type { AddressInfo } from 'node:net';

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Exercise 3: echo</title>
<style>
  body { font-family: sans-serif; margin: 2rem; max-width: 48rem; }
  pre { background: #111; color: #ddd; padding: 1rem; min-height: 8rem; white-space: pre-wrap; }
  .compile { color: #fc6; } .stderr { color: #f66; } .status { color: #6cf; }
</style>
</head>
<body>
<h1>Exercise 3: echo</h1>
<p>Your program's output appears below as it runs.</p>
<pre id="console"></pre>
<script>
const consoleBox = document.getElementById('console');
function show(text, kind) {
  const span = document.createElement('span');
  if (kind) span.className = kind;
  span.textContent = text;
  consoleBox.appendChild(span);
}
const headers = (key) => ({ 'content-type': 'application/json', authorization: 'Bearer ' + key });

/** A plain run: one JSON answer. */
window.runPlain = async (api, key, body) => {
  const response = await fetch(api + '/v1/run', { method: 'POST', headers: headers(key), body: JSON.stringify(body) });
  const answer = await response.json();
  show(answer.stdout ?? '');
  show('[' + (answer.status ?? answer.error.code) + ']\\n', 'status');
  return { status: response.status, answer };
};

/** A streamed run: server-sent events read from fetch's body (EventSource can't POST), each shown as it comes. */
window.runEvents = async (api, key, body) => {
  const response = await fetch(api + '/v1/run', { method: 'POST', headers: { ...headers(key), accept: 'text/event-stream' }, body: JSON.stringify(body) });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const events = [];
  let pending = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    pending += value;
    let end;
    while ((end = pending.indexOf('\\n\\n')) >= 0) {
      const block = pending.slice(0, end);
      pending = pending.slice(end + 2);
      const name = /^event: (.*)$/m.exec(block)[1];
      const data = JSON.parse(/^data: (.*)$/m.exec(block)[1]);
      events.push({ name, data, at: performance.now() });
      if (name === 'result') show('[' + data.status + ']\\n', 'status');
      else if (name === 'stdout' || name === 'stderr') show(data.data, data.phase === 'compile' ? 'compile' : name);
    }
  }
  return { status: response.status, events };
};

/** An interactive run: the key as a subprotocol (a browser can't set Authorization on a WebSocket). */
window.runSocket = (api, key, body, lines) =>
  new Promise((resolve) => {
    const socket = new WebSocket(api.replace(/^http/, 'ws') + '/v1/run/ws', ['codering.v1', 'codering.bearer.' + key]);
    const messages = [];
    const toSend = [...lines];
    socket.onopen = () => socket.send(JSON.stringify(body));
    socket.onmessage = (message) => {
      const data = JSON.parse(message.data);
      messages.push(data);
      if (data.type === 'stdout' || data.type === 'stderr') {
        show(data.data, data.type);
        // answer each prompt as a student would, once it is on the screen
        if (data.type === 'stdout' && data.data.endsWith('? ')) {
          const line = toSend.shift();
          if (line === undefined) socket.send(JSON.stringify({ type: 'stdin', eof: true }));
          else {
            show(line + '\\n');
            socket.send(JSON.stringify({ type: 'stdin', data: line + '\\n' }));
          }
        }
      }
      if (data.type === 'result') show('[' + data.result.status + ']\\n', 'status');
    };
    socket.onerror = () => messages.push({ type: 'socket-error' });
    socket.onclose = (event) => resolve({ code: event.code, protocol: socket.protocol, messages });
  });
</script>
</body>
</html>
`;

export interface ExercisePage {
  /** The page's origin, `http://127.0.0.1:<port>`: what CORS must allow. */
  origin: string;
  url: string;
  close(): Promise<void>;
}

/** Serves the page on 127.0.0.1, an ephemeral port. */
export async function serveExercisePage(): Promise<ExercisePage> {
  const server = http.createServer((request, response) => {
    if (request.url !== '/') {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url: `${origin}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
