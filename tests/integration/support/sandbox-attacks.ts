/**
 * Security, acted out: real attacks in python, each checked for containment, and for the same worker
 * serving the next run cleanly. One table for every platform: the local platform's warm workers
 * (security/sandbox-attacks.test.ts) and Nuclio's shell runtime in its harness
 * (nuclio/nuclio-sandbox-attacks.test.ts) run the same cases through their own `run`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProxyResult, RunLimits } from '../../../registry-api/platform';

export const ATTACK_LIMITS: RunLimits = {
  wallMs: 3000,
  cpuMs: 3000,
  compileWallMs: 10_000,
  memoryBytes: 128 * 1024 * 1024,
  outputBytes: 64 * 1024,
  processes: 64,
  fileBytes: 1024 * 1024,
};

export type AttackPlatformName = 'local' | 'nuclio';

/** What an attack needs of a platform: one python run on the same worker each time, and its facts. */
export interface AttackPlatform {
  name: AttackPlatformName;
  /** Runs `main.py` with ATTACK_LIMITS and `overrides`, on the one worker the platform has. */
  run(code: string, overrides?: Partial<RunLimits>, stdin?: string): Promise<ProxyResult & { workerId: string }>;
  /** A uid programs may run as there (a worker's own from 60000–60063; on Nuclio, its pod's). */
  isSandboxUid(uid: number): boolean;
}

export interface SandboxAttack {
  name: string;
  /** The platforms it applies to (all when absent), and why not the others. */
  only?: { platforms: AttackPlatformName[]; why: string };
  act(platform: AttackPlatform): Promise<void>;
}

/** The attacks that apply to `platform`, as `it.each` rows. */
export function attacksFor(platform: AttackPlatformName): [string, SandboxAttack][] {
  return SANDBOX_ATTACKS.filter((attack) => attack.only === undefined || attack.only.platforms.includes(platform)).map((attack) => [attack.name, attack]);
}

const LIST_PROCESSES = `
import os
names = []
for pid in os.listdir('/proc'):
    if pid.isdigit():
        try:
            names.append(open(f'/proc/{pid}/comm').read().strip())
        except OSError:
            pass
print(sorted(names))
`;

/** Python: others(), every process of another uid than the program's, as [pid, comm, state]. */
const OTHER_UIDS = `
import os
def others():
    found = []
    for pid in sorted(int(p) for p in os.listdir('/proc') if p.isdigit()):
        try:
            status = dict(line.split(':', 1) for line in open(f'/proc/{pid}/status'))
            comm = open(f'/proc/{pid}/comm').read().strip()
        except OSError:
            continue
        if int(status['Uid'].split()[0]) != os.getuid():
            found.append([pid, comm, status['State'].split()[0]])
    return found
`;

export const SANDBOX_ATTACKS: SandboxAttack[] = [
  {
    name: 'contains a fork bomb, and the next run finds no process of it',
    async act({ run }) {
      const bomb = await run(
        `
import os
while True:
    try:
        os.fork()
    except OSError:
        pass
`,
        { wallMs: 2000 },
      );
      expect(['timeout', 'runtime_error', 'memory_limit']).toContain(bomb.status);
      const after = await run(LIST_PROCESSES);
      expect(after.status).toBe('ok');
      expect(after.workerId).toBe(bomb.workerId);
      // init, the proxy (or Nuclio's processor, the proxy's handler and its guardian), the shell that became python
      expect(after.stdout).not.toMatch(/python3.*python3.*python3/);
      const processes = (JSON.parse(after.stdout.replace(/'/g, '"')) as string[]).filter((name) => name !== 'codering-guard');
      expect(processes.length).toBeLessThanOrEqual(4);
    },
  },
  {
    name: "holds a program to its request's process limit, threads included",
    async act({ run }) {
      const counted = await run(
        `
import os, time
children = 0
for _ in range(100):
    try:
        pid = os.fork()
    except OSError:
        break
    if pid == 0:
        time.sleep(5)
        os._exit(0)
    children += 1
print(children)
`,
        { processes: 10 },
      );
      expect(counted.status).toBe('ok');
      // the program itself is one of the ten
      expect(Number(counted.stdout)).toBe(9);
      // the next run starts with none of those processes counted against it
      const next = await run('import os\npid = os.fork()\nif pid == 0:\n    os._exit(0)\nos.waitpid(pid, 0)\nprint("forked")', { processes: 2 });
      expect(next.stdout).toBe('forked\n');
    },
  },
  {
    name: 'contains a memory bomb as memory_limit and keeps the worker',
    async act({ run }) {
      const bomb = await run('blocks = []\nwhile True:\n    blocks.append(bytearray(16 * 1024 * 1024))');
      expect(bomb.status).toBe('memory_limit');
      const after = await run('print("still here")');
      expect(after).toMatchObject({ status: 'ok', stdout: 'still here\n', workerId: bomb.workerId });
    },
  },
  {
    name: 'cuts an output flood at the limit',
    async act({ run }) {
      const flood = await run('import sys\nwhile True:\n    sys.stdout.write("y" * 4096)', { outputBytes: 10_000 });
      expect(flood.status).toBe('output_limit');
      expect(flood.stdoutTruncated).toBe(true);
      expect(Buffer.byteLength(flood.stdout)).toBeLessThanOrEqual(10_000);
      expect(flood.stdout.length).toBeGreaterThan(0);
    },
  },
  {
    name: 'stops an infinite loop at the wall limit',
    async act({ run }) {
      const started = Date.now();
      const loop = await run('while True:\n    pass', { wallMs: 1000, cpuMs: 1000 });
      expect(loop.status).toBe('timeout');
      expect(Date.now() - started).toBeLessThan(5000);
    },
  },
  {
    name: 'has no network: neither the host on loopback nor the bridge nor DNS',
    async act({ run }) {
      const server = http.createServer((_req, res) => res.end('reached'));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      try {
        const probe = await run(`
import socket
results = []
for host in ['127.0.0.1', '172.17.0.1']:
    try:
        socket.create_connection((host, ${port}), timeout=1).close()
        results.append(host + ' reached')
    except OSError as error:
        results.append(host + ' blocked')
try:
    socket.getaddrinfo('deb.debian.org', 80)
    results.append('dns reached')
except OSError:
    results.append('dns blocked')
print(results)
print([name for _, name in socket.if_nameindex()])
`);
        expect(probe.status).toBe('ok');
        expect(probe.stdout).toContain("'127.0.0.1 blocked'");
        expect(probe.stdout).toContain("'172.17.0.1 blocked'");
        expect(probe.stdout).toContain("'dns blocked'");
        expect(probe.stdout.split('\n')[1]).toBe("['lo']");
      } finally {
        server.close();
      }
    },
  },
  {
    name: 'leaves nothing for the next run: files, daemons, shared memory, environment',
    async act({ run }) {
      const planted = await run(`
import os, subprocess, mmap
open('/box/left-behind', 'w').write('secret')
open('/tmp/left-behind', 'w').write('secret')
open('/dev/shm/left-behind', 'w').write('secret')
os.makedirs('/box/locked/inner')
os.chmod('/box/locked', 0)
os.environ['LEAK'] = 'yes'
# a double-forked daemon that escapes its session
subprocess.Popen(['sh', '-c', 'setsid sleep 1000 & sleep 1000 &'])
import ctypes
libc = ctypes.CDLL(None)
print('shm', libc.shmget(0x1234, 4096, 0o1666))
`);
      expect(planted.status).toBe('ok');
      const seen = await run(
        `
import os, ctypes
print(sorted(os.listdir('/box')), os.listdir('/tmp'), os.listdir('/dev/shm'))
print(os.environ.get('LEAK'))
libc = ctypes.CDLL(None)
print('shm', libc.shmget(0x1234, 4096, 0o666))
` + LIST_PROCESSES,
      );
      expect(seen.workerId).toBe(planted.workerId);
      const [files, leak, shm, processes] = seen.stdout.trim().split('\n');
      expect(files).toBe("['main.py'] [] []");
      expect(leak).toBe('None');
      expect(shm).toBe('shm -1');
      expect(processes).not.toContain('sleep');
    },
  },
  {
    name: 'runs the program as an unprivileged user on a read-only root, away from the host',
    async act({ run, isSandboxUid }) {
      process.env.CODERING_TEST_HOST_SECRET = 'host-only';
      const probe = await run(`
import os
status = dict(line.split(':', 1) for line in open('/proc/self/status'))
print(os.getuid(), os.getgid(), status['CapEff'].strip(), status['NoNewPrivs'].strip())
for path in ['/etc/passwd', '/opt/codering/runtime.sh', '/usr/bin/hack']:
    try:
        open(path, 'a').write('x')
        print(path, 'writable')
    except OSError as error:
        print(path, 'refused')
print('CODERING_TEST_HOST_SECRET' in os.environ, sorted(name for name in os.environ if name.startswith('NUCLIO_')))
`);
      const lines = probe.stdout.trim().split('\n');
      const [uid, gid, capabilities, noNewPrivileges] = lines[0]!.split(' ');
      expect(isSandboxUid(Number(uid))).toBe(true);
      expect([gid, capabilities, noNewPrivileges]).toEqual(['1000', '0000000000000000', '1']);
      expect(lines.slice(1, 4)).toEqual(['/etc/passwd refused', '/opt/codering/runtime.sh refused', '/usr/bin/hack refused']);
      // nothing of the host's environment, nor of the platform's (Nuclio's event variables)
      expect(lines[4]).toBe('False []');
    },
  },
  {
    name: "cannot signal, trace or read the platform's processes, and they outlive its kill(-1)",
    async act({ run }) {
      // every process of another uid: init, and the proxy (locally) or Nuclio's processor and the
      // handler that became the proxy, all uid 1000 in a non-root pod but never the program's uid
      const attack = `${OTHER_UIDS}
import ctypes, json, os
libc = ctypes.CDLL(None, use_errno=True)
PTRACE_ATTACH = 16
seen = []
for pid, comm, _state in others():
    outcome = []
    try:
        open(f'/proc/{pid}/environ', 'rb').read()
        outcome.append('environ read')
    except OSError:
        outcome.append('environ refused')
    outcome.append('trace refused' if libc.ptrace(PTRACE_ATTACH, pid, None, None) == -1 else 'traced')
    for signal in (19, 9):
        try:
            os.kill(pid, signal)
            outcome.append(f'signal {signal} sent')
        except PermissionError:
            outcome.append(f'signal {signal} refused')
    seen.append([pid, comm, ' '.join(outcome)])
print(json.dumps(seen), flush=True)
os.kill(-1, 9)  # every process the program may signal but itself (Linux spares the caller)
`;
      const attacked = await run(attack);
      expect(attacked.status).toBe('ok');
      const seen = JSON.parse(attacked.stdout) as [number, string, string][];
      expect(seen.length).toBeGreaterThan(0);
      for (const [, , outcome] of seen) expect(outcome).toBe('environ refused trace refused signal 19 refused signal 9 refused');
      const listing = `${OTHER_UIDS}
import json
print(json.dumps(others()))
`;
      const after = await run(listing);
      expect(after.status).toBe('ok');
      const alive = JSON.parse(after.stdout) as [number, string, string][];
      // the platform's long-lived processes are all there, none stopped; an event's proxy (and its
      // guardian) are new each time on Nuclio
      const lasting = (processes: [number, string, ...unknown[]][]) =>
        processes.filter(([, comm]) => comm !== 'codering-proxy' && comm !== 'codering-guard').map(([pid, comm]) => `${pid} ${comm}`);
      expect(lasting(alive)).toEqual(lasting(seen));
      for (const [, , state] of alive) expect(state).not.toBe('T');
      expect(after.workerId).toBe(attacked.workerId);
    },
  },
  {
    name: 'finds nowhere to write but the folders the worker empties',
    async act({ run }) {
      // on a read-only root (the local platform, a patched function pod) and a writable one (a
      // function the API deploys without the Deployment patch) alike
      const probe = await run(`
import os
found = []
for root, dirs, files in os.walk('/'):
    dirs[:] = [d for d in dirs if os.path.join(root, d) not in ('/proc', '/sys')]
    if os.access(root, os.W_OK):
        found.append(root)
    for name in files:
        path = os.path.join(root, name)
        if not os.path.islink(path) and not path.startswith(('/dev/', '/box/')) and os.access(path, os.W_OK):
            found.append(path)
print('\\n'.join(sorted(found)))
`);
      expect(probe.status).toBe('ok');
      const writable = probe.stdout.trim().split('\n');
      expect(writable.filter((path) => !/^\/(box|tmp|dev\/shm|dev\/mqueue)(\/|$)/.test(path))).toEqual([]);
    },
  },
  {
    name: 'limits file sizes, cold and prewarmed alike',
    async act({ run }) {
      // the first run with these limits starts cold; the second finds an interpreter prewarmed with them
      for (let i = 0; i < 2; i++) {
        const big = await run("open('/box/big', 'wb').write(b'x' * (2 * 1024 * 1024))", { fileBytes: 1024 * 1024 });
        expect(big.status).toBe('runtime_error');
        expect(big.signal === 'SIGXFSZ' || /File too large/.test(big.stderr)).toBe(true);
      }
      const fits = await run("open('/box/big', 'wb').write(b'x' * (2 * 1024 * 1024))", { fileBytes: 4 * 1024 * 1024 });
      expect(fits.status).toBe('ok');
    },
  },
];
