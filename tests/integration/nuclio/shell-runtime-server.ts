/**
 * Nuclio's shell runtime, played on 127.0.0.1 with the real image: per event, `docker run --rm -i
 * --network none <image> --once`, the body on stdin, stdout and stderr combined as the answer; 200 on
 * exit 0, 500 with Nuclio's wrapped text otherwise, 503 when its one worker is busy.
 */

import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ShellRuntimeServer {
  url: string;
  close(): Promise<void>;
}

function runOnce(image: string, body: Buffer): Promise<{ code: number | null; output: Buffer }> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', ['run', '--rm', '-i', '--network', 'none', image, '--once'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output: Buffer.concat(chunks) }));
    child.stdin.end(body);
  });
}

export async function startShellRuntime(image: string): Promise<ShellRuntimeServer> {
  let busy = false;
  const server: Server = createServer((request, response) => {
    if (request.method === 'GET' && request.url?.startsWith('/__internal/health')) {
      response.writeHead(200).end();
      return;
    }
    if (busy) {
      response.writeHead(503).end();
      return;
    }
    busy = true;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      runOnce(image, Buffer.concat(chunks))
        .then(({ code, output }) => {
          if (code === 0) response.writeHead(200).end(output);
          else response.writeHead(500).end(`Failed to run shell command.\nError: exit status ${code}\nOutput:${output.toString()}`);
        })
        .catch((error: unknown) => response.writeHead(500).end(String(error)))
        .finally(() => {
          busy = false;
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
