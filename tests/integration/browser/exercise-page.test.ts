/**
 * The API as a learning platform's page uses it, in a real browser (Debian's Chromium, headless,
 * driven by playwright-core): the page is served from the platform's origin on 127.0.0.1, the API
 * from another port with `CODERING_AUTH=required` and that origin in `CODERING_CORS_ORIGINS`, and the
 * page holds a key of scope `run`. What the browser enforces is what is tested: its CORS preflight
 * before a request with a key, its refusal to let another origin's page read an answer, the
 * subprotocol that carries the key on a WebSocket, a streamed body read as it comes.
 */

import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startLiveApi, type LiveApi } from '../support';
import { serveExercisePage, type ExercisePage } from './exercise-page';

jest.setTimeout(10 * 60_000);

/** Debian's package (prepare-engine.sh installs it); another binary through CODERING_TEST_CHROMIUM. */
const CHROMIUM = process.env.CODERING_TEST_CHROMIUM ?? '/usr/bin/chromium';
// headless as root, and nothing that reaches for the network beyond loopback (this machine has none)
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

interface PlainAnswer {
  status: number;
  answer: { status?: string; stdout?: string; error?: { code: string } };
}
interface PageEvent {
  name: string;
  data: { data?: string; phase?: string; status?: string; stdout?: string };
  at: number;
}
interface SocketOutcome {
  code: number;
  protocol: string;
  messages: { type: string; data?: string; result?: { status: string; stdout: string } }[];
}
/** The page's functions (exercise-page.ts), as code evaluated in it sees its global object. */
interface ExerciseWindow {
  runPlain(api: string, key: string, body: unknown): Promise<PlainAnswer>;
  runEvents(api: string, key: string, body: unknown): Promise<{ status: number; events: PageEvent[] }>;
  runSocket(api: string, key: string, body: unknown, lines: string[]): Promise<SocketOutcome>;
}

let platformPage: ExercisePage;
let otherSite: ExercisePage;
let api: LiveApi;
let runKey: string;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: run \`bash scripts/prepare-engine.sh\` as root (it installs Debian's chromium), or set CODERING_TEST_CHROMIUM`);
  platformPage = await serveExercisePage();
  otherSite = await serveExercisePage();
  api = await startLiveApi({ runtimes: ['python@3.11', 'c@latest'], warmFloor: 1, config: { auth: 'required', corsOrigins: [platformPage.origin] } });
  runKey = api.keys.create({ scopes: ['run'], name: 'exercise page' }).secret;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});
afterAll(async () => {
  await browser?.close();
  await api?.close();
  await platformPage?.close();
  await otherSite?.close();
});

async function open(site: ExercisePage): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(site.url);
  return page;
}

const python = (content: string) => ({ runtime: 'python@3.11', files: [{ name: 'main.py', content }] });

test("the platform's page runs a program with its key: the browser's preflight passes and the page reads the answer", async () => {
  const page = await open(platformPage);
  const plain = await page.evaluate(([base, key, body]) => (globalThis as unknown as ExerciseWindow).runPlain(base, key, body), [api.base, runKey, python('print("hello from the page")')] as const);
  expect(plain).toMatchObject({ status: 200, answer: { status: 'ok', stdout: 'hello from the page\n' } });
  // a wrong key is an answer the page can read too (CORS headers on errors), not a network failure
  const refused = await page.evaluate(([base, body]) => (globalThis as unknown as ExerciseWindow).runPlain(base, 'cdr_not-a-key', body), [api.base, python('print(1)')] as const);
  expect(refused).toMatchObject({ status: 401, answer: { error: { code: 'unauthorized' } } });
  expect(await page.locator('#console').innerText()).toBe('hello from the page\n[ok]\n[unauthorized]\n');
  await page.close();
});

test('a streamed run reaches the page as the program prints, the compiler first, then the result', async () => {
  const page = await open(platformPage);
  const ticks = await page.evaluate(
    ([base, key, body]) => (globalThis as unknown as ExerciseWindow).runEvents(base, key, body),
    [api.base, runKey, python('import time\nfor i in range(3):\n    print(f"tick {i}")\n    time.sleep(0.3)\n')] as const,
  );
  expect(ticks.status).toBe(200);
  const printed = ticks.events.filter((event) => event.name === 'stdout');
  expect(printed.map((event) => event.data.data).join('')).toBe('tick 0\ntick 1\ntick 2\n');
  // the page had the first line long before the last (written 600 ms apart) and the result: not all at the end
  const first = printed[0] as PageEvent;
  const result = ticks.events.at(-1) as PageEvent;
  expect((printed.at(-1) as PageEvent).at - first.at).toBeGreaterThan(300);
  expect(result.at - first.at).toBeGreaterThan(400);
  expect(result).toMatchObject({ name: 'result', data: { status: 'ok', stdout: 'tick 0\ntick 1\ntick 2\n' } });

  const compiled = await page.evaluate(
    ([base, key, body]) => (globalThis as unknown as ExerciseWindow).runEvents(base, key, body),
    [api.base, runKey, { runtime: 'c@latest', files: [{ name: 'main.c', content: '#include <stdio.h>\n#warning "check the bounds"\nint main(void) { puts("ran"); return 0; }\n' }] }] as const,
  );
  const phases = compiled.events.filter((event) => event.name !== 'result').map((event) => event.data.phase);
  expect(phases[0]).toBe('compile');
  expect(phases.at(-1)).toBe('run');
  expect(await page.locator('#console .compile').innerText()).toMatch(/warning: #warning "check the bounds"/);
  await page.screenshot({ path: path.join(mkdtempSync(path.join(tmpdir(), 'codering-page-')), 'streamed.png') });
  await page.close();
});

test("an interactive program over the WebSocket: the key as a subprotocol, each prompt answered once it is on the student's screen", async () => {
  const page = await open(platformPage);
  const session = await page.evaluate(
    ([base, key, body]) => (globalThis as unknown as ExerciseWindow).runSocket(base, key, body, ['ada', 'grace']),
    [api.base, runKey, python('while True:\n    try:\n        name = input("name? ")\n    except EOFError:\n        print("bye")\n        break\n    print("hello", name)\n')] as const,
  );
  expect(session.protocol).toBe('codering.v1');
  expect(session.code).toBe(1000);
  expect(session.messages.at(-1)).toMatchObject({ type: 'result', result: { status: 'ok', stdout: 'name? hello ada\nname? hello grace\nname? bye\n' } });
  expect(await page.locator('#console').innerText()).toBe('name? ada\nhello ada\nname? grace\nhello grace\nname? bye\n[ok]\n');
  await page.screenshot({ path: path.join(mkdtempSync(path.join(tmpdir(), 'codering-page-')), 'interactive.png') });
  await page.close();
});

test("another site's page gets nothing, though it holds a valid key: the browser refuses its fetch and its WebSocket", async () => {
  const page = await open(otherSite);
  const fetched = await page
    .evaluate(([base, key, body]) => (globalThis as unknown as ExerciseWindow).runPlain(base, key, body), [api.base, runKey, python('print("leak")')] as const)
    .then(
      () => 'answered',
      (error: Error) => error.message,
    );
  expect(fetched).toMatch(/Failed to fetch/);
  const socket = await page.evaluate(([base, key, body]) => (globalThis as unknown as ExerciseWindow).runSocket(base, key, body, []), [api.base, runKey, python('print("leak")')] as const);
  expect(socket.code).toBe(1006);
  expect(socket.messages.map((message) => message.type)).toEqual(['socket-error']);
  expect(await page.locator('#console').innerText()).toBe('');
  await page.close();
});
