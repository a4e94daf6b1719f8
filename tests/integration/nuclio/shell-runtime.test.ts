/**
 * Nuclio's shell-runtime contract, and our handler under it, acted out in the harness (its header
 * says what it reproduces from Nuclio's source): what the handler is given (environment, one pipe for
 * stdout and stderr, 500 on a non-zero exit, 503 when the replica's one worker is busy), then what our
 * handler makes of it: the answer is the proxy's result and nothing else, and an event killed at its
 * eventTimeout leaves nothing for the next event on the same replica.
 */
import { HONEST, INSPECT } from '../support';
import { WorkerFailure } from '../../../registry-api/platform';
import { decodeProxyResult, encodeProxyRequest } from '../../../proxy';
import { processorContainerSecurityContext } from '../../../factory/nuclio';
import { DEFAULT_LIMITS, NAMESPACE, NuclioCluster, unservedCopy, type RuntimeFunction } from './runtime-functions';
import { RESPONSE_ERROR_FORMAT, TIMEOUT_RESPONSE, type Replica } from './shell-runtime-harness';

jest.setTimeout(10 * 60_000);

let cluster: NuclioCluster;
/** A function deployed with our handler and the API's limits. */
let python: RuntimeFunction;
let replica: Replica;
/** What the honest program prints on the fresh replica. */
let freshListing: string;

const honest = () => cluster.run(python, { files: [...HONEST.python.files, INSPECT], main: HONEST.python.main });

beforeAll(async () => {
  cluster = await NuclioCluster.start();
  python = await cluster.deploy('python@3.11');
  replica = python.deployed.replicas[0] as Replica;
  const fresh = await honest();
  expect(fresh.status).toBe('ok');
  freshListing = fresh.stdout;
});

afterAll(async () => {
  await cluster?.close();
});

/** A POST to the function's Service, as NuclioPlatform sends it, without the platform's decoding. */
async function post(fn: { function: RuntimeFunction['function'] }, body: string | Buffer, headers: Record<string, string> = {}) {
  const url = cluster.harness.urlTemplate.replace('{namespace}', NAMESPACE).replace('{name}', fn.function.metadata.name);
  const response = await fetch(url, { method: 'POST', body, headers });
  return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()).toString() };
}

describe('what Nuclio gives a handler (a function whose handler is `sh`, its arguments from X-Nuclio-Arguments)', () => {
  let raw: { function: RuntimeFunction['function'] };

  beforeAll(async () => {
    // `sh` is no file in /opt/nuclio: getCommand takes it from PATH and runs `sh -c "sh <arguments>"`
    const fn = unservedCopy(python.function, 'raw-shell');
    fn.spec.handler = 'sh';
    await cluster.harness.deploy({ function: fn, image: python.shell });
    raw = { function: fn };
  });

  it('an environment of its own: Nuclio\'s variables and spec.env, nothing of the image', async () => {
    const answer = await post(raw, '', { 'x-nuclio-arguments': '-c env' });
    expect(answer.status).toBe(200);
    const names = answer.body.trim().split('\n').map((line) => line.split('=')[0]).sort();
    const expected = [
      'NUCLIO_FUNCTION_NAME', 'NUCLIO_FUNCTION_DESCRIPTION', 'NUCLIO_FUNCTION_VERSION', 'NUCLIO_FUNCTION_HANDLER',
      ...python.function.spec.env.map((variable) => variable.name),
      'NUCLIO_EVENT_ID', 'NUCLIO_TRIGGER_CLASS', 'NUCLIO_TRIGGER_KIND', 'NUCLIO_EVENT_CONTENT_TYPE', 'NUCLIO_EVENT_TIMESTAMP',
      'NUCLIO_EVENT_PATH', 'NUCLIO_EVENT_URL', 'NUCLIO_EVENT_METHOD', 'NUCLIO_EVENT_SHARD_ID', 'NUCLIO_EVENT_NUM_SHARDS',
      'NUCLIO_EVENT_TYPE', 'NUCLIO_EVENT_TYPE_VERSION', 'NUCLIO_EVENT_VERSION',
      // the shells' own
      'PWD',
    ].sort();
    expect(names).toEqual(expected);
    // the image declares CODERING_PREWARM; the handler does not inherit it
    expect(answer.body).not.toContain('CODERING_PREWARM');
  });

  it('stdout and stderr in one body; a non-zero exit is a 500 in Nuclio\'s words', async () => {
    const answer = await post(raw, '', { 'x-nuclio-arguments': '-c true; echo out; echo err >&2; exit 4' });
    expect(answer.status).toBe(500);
    expect(answer.body).toBe(RESPONSE_ERROR_FORMAT('exit status 4', 'out\nerr\n'));
    expect(answer.headers.get('content-type')).toBe('application/json');
  });

  it('runs as the function and its hardening say: their user, no capability but the proxy file’s, a read-only root, no network', async () => {
    const answer = await post(raw, '', {
      'x-nuclio-arguments': "-c 'id -u; id -g; grep -E \"^(CapEff|CapBnd|NoNewPrivs):\" /proc/self/status; touch /opt/x || echo read-only; cat /proc/net/dev | tail -n +3 | cut -d: -f1'",
    });
    const security = python.function.spec.securityContext;
    expect(answer.status).toBe(200);
    expect(answer.body.split('\n').map((line) => line.replace(/\s+/g, ' ').trim())).toEqual([
      String(security.runAsUser),
      String(security.runAsGroup),
      'CapEff: 0000000000000000',
      // KILL (5), SETGID (6), SETUID (7): only the proxy's file capabilities can make use of them, which
      // needs privilege escalation allowed; the proxy sets no_new_privs on the program itself
      'CapBnd: 00000000000000e0',
      'NoNewPrivs: 0',
      expect.stringContaining('Read-only file system'),
      'read-only',
      'lo',
      '',
    ]);
  });

  it('the body on stdin', async () => {
    const answer = await post(raw, 'the body\n', { 'x-nuclio-arguments': '-c cat' });
    expect(answer).toMatchObject({ status: 200, body: 'the body\n' });
  });
});

describe('our handler', () => {
  it('answers exactly the proxy\'s result: one JSON line', async () => {
    const before = cluster.harness.events.length;
    const result = await cluster.run(python, { files: [{ name: 'main.py', content: 'import sys\nprint("out")\nprint("err", file=sys.stderr)\n' }], main: 'main.py' });
    expect(result).toMatchObject({ status: 'ok', stdout: 'out\n', stderr: 'err\n' });
    const [event] = cluster.harness.events.slice(before);
    expect(event?.status).toBe(200);
    expect(event?.body.toString()).toMatch(/^\{[^\n]*\}\n$/);
  });

  it('one worker per replica: an event while another runs is a 503 at once, with no body', async () => {
    const running = cluster.run(python, { files: [{ name: 'main.py', content: 'import time\ntime.sleep(2)\nprint("done")\n' }], main: 'main.py' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const started = Date.now();
    const refused = await post(python, 'codering/1\nend\n');
    expect(refused).toMatchObject({ status: 503, body: '' });
    expect(Date.now() - started).toBeLessThan(1000);
    expect((await running).stdout).toBe('done\n');
  });

  it('runs a program under a uid that is not the processor’s: a pod that denies the proxy its capabilities gets a refusal', async () => {
    const ran = await cluster.run(python, { files: [{ name: 'main.py', content: 'import os\nprint(os.getuid(), os.getgid())' }], main: 'main.py' });
    expect(ran.stdout).toBe(`${replica.sandboxUid} 1000\n`);
    expect(replica.sandboxUid).not.toBe(python.function.spec.securityContext.runAsUser);
    // the Pulumi program's patch with privilege escalation forbidden: file capabilities don't apply
    const fn = unservedCopy(python.function, 'no-escalation');
    await cluster.harness.deploy({ function: fn, image: python.shell, containerSecurity: { ...processorContainerSecurityContext(), allowPrivilegeEscalation: false } });
    const request = encodeProxyRequest({ requestId: 'no-escalation', files: [{ name: 'main.py', content: 'print(1)' }], main: 'main.py', stdin: '', args: [], limits: DEFAULT_LIMITS });
    const refused = await post({ function: fn }, request);
    expect(refused.status).toBe(200);
    expect(decodeProxyResult(refused.body)).toMatchObject({ status: 'internal_error', message: expect.stringContaining('cannot switch to the sandbox uid') });
    await cluster.harness.remove(fn.metadata.name, NAMESPACE);
  });

  it('keeps the proxy\'s diagnostics out of the answer: they go to the container\'s log', async () => {
    // something the sandbox user cannot remove (as an operator's `kubectl exec` could leave): the
    // proxy refuses to run on a worker it cannot prove clean, and says why on its stderr
    await replica.exec('mkdir -p /box/planted/inside && chmod 0700 /box/planted');
    try {
      const before = cluster.harness.events.length;
      const refused = await cluster.run(python, { files: [{ name: 'main.py', content: 'print(1)' }], main: 'main.py' });
      expect(refused).toMatchObject({ status: 'internal_error', message: 'the worker is not clean' });
      expect(cluster.harness.events.slice(before).map((event) => event.body.toString())).toEqual([expect.stringMatching(/^\{[^\n]*\}\n$/)]);
      expect(await replica.logs()).toMatch(/codering-proxy: not clean: \/box still has 1 entries/);
    } finally {
      await replica.exec('rm -rf /box/planted');
    }
    const after = await honest();
    expect(after.stdout).toBe(freshListing);
  });

  it('an extended attribute on a writable folder does not stick to the replica', async () => {
    const planted = await cluster.run(python, {
      files: [
        {
          name: 'main.py',
          content:
            'import os\nfor d in ["/box", "/tmp", "/dev/shm", "/dev/mqueue"]:\n    try:\n        os.setxattr(d, "user.left", b"1")\n        print(d, "set")\n    except OSError as error:\n        print(d, error.strerror)\n',
        },
      ],
      main: 'main.py',
    });
    // an emptyDir is root's with mode 0777: anyone may set an attribute on it
    expect(planted.stdout).toContain('/box set');
    const after = await honest();
    expect(after.status).toBe('ok');
    expect(after.stdout).toBe(freshListing);
  });
});

describe('an event past its eventTimeout', () => {
  /** The same runtime's function, as another operator deploys it (the platform finds it by image). */
  let other: NuclioCluster;
  let short: RuntimeFunction;

  beforeAll(async () => {
    other = await NuclioCluster.start();
    // a function whose operator allows 3 s runs: eventTimeout 4 s, so a request that asks for more
    // than the function was made for (a hung proxy would do the same) meets Nuclio's timeout
    short = await other.deploy('python@3.11', {
      limits: { wallMs: 3000, compileWallMs: 1000, memoryBytes: 128 * 1024 * 1024 },
      eventTimeoutMarginMs: 0,
    });
    expect(short.function.spec.eventTimeout).toBe('4s');
    const fresh = await other.run(short, { files: [...HONEST.python.files, INSPECT], main: HONEST.python.main });
    expect(fresh.stdout).toBe(freshListing);
  });

  afterAll(async () => {
    await other?.close();
  });

  it('is a 408, the handler alone is killed, its guardian ends the program at once, and the next event on the replica finds a fresh worker', async () => {
    const [pod] = short.deployed.replicas as [Replica];
    const before = other.harness.events.length;
    const started = Date.now();
    const killed = other.run(short, {
      files: [
        {
          name: 'main.py',
          content:
            'import os, subprocess, time\nopen("/box/left", "w").write("x")\nopen("/tmp/left", "w").write("x")\n' +
            'os.makedirs("/box/locked/inner")\nos.chmod("/box/locked", 0)\n' +
            'subprocess.Popen(["sh", "-c", "setsid sleep 1000 & sleep 1000 &"])\ntime.sleep(1000)\n',
        },
      ],
      main: 'main.py',
      limits: { wallMs: 60_000, cpuMs: 60_000 },
    });
    await expect(killed).rejects.toThrow(WorkerFailure);
    await expect(killed).rejects.toThrow(/HTTP 408/);
    // Nuclio's watcher: between T - 1 s (its clock's resolution) and 2T
    expect(Date.now() - started).toBeGreaterThanOrEqual(3000);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(other.harness.events.slice(before).map((event) => [event.status, event.body.toString()])).toEqual([[408, TIMEOUT_RESPONSE]]);
    // Nuclio's kill reaches the handler (the proxy) alone; the proxy's guardian then ends the program and
    // its two sleepers at once, without waiting for another event (their files stay, for the next one)
    const programs = async () => {
      const listed = await pod.exec("grep -l -E '^Name:[[:space:]]+(python3|sleep)$' /proc/[0-9]*/status 2>/dev/null | wc -l");
      return Number(listed.stdout.toString());
    };
    let left = await programs();
    for (let attempt = 0; attempt < 20 && left !== 0; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      left = await programs();
    }
    expect(left).toBe(0);
    const next = await other.run(short, { files: [...HONEST.python.files, INSPECT], main: HONEST.python.main });
    expect(next).toMatchObject({ status: 'ok', stderr: '' });
    expect(next.stdout).toBe(freshListing);
    expect(await pod.logs()).toContain('codering-proxy: cleaning what an earlier request left');
  });
});
