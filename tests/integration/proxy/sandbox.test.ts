/**
 * The sandbox a program gets, through the binary: the sandbox user, no privileges, our syscall
 * filter on top of the engine's, its rlimits, and an environment without start-up hooks.
 */
import { PROBE_PATH, useProxyHarness, type ContainerOptions } from './proxy-harness';
import { shellRequest, text } from './proxy-requests';

jest.setTimeout(120_000);

const proxy = useProxyHarness();

/** The program's stdout, after checking it ran. */
async function run(script: string, options: Parameters<typeof shellRequest>[1] = {}, container: ContainerOptions = {}): Promise<string> {
  const result = await proxy().onceResult(shellRequest(script, options), container);
  expect({ status: result.status, stderr: text(result.stderr) }).toEqual({ status: 'ok', stderr: '' });
  return text(result.stdout);
}

/** One line of /proc/self/status (as a child of the program sees it). */
const statusLine = (name: string): string => `grep '^${name}:' /proc/self/status | tr -s '\\t ' ' '`;

describe('identity', () => {
  test('runs as uid 1000, group 1000, no supplementary group, in /box', async () => {
    expect(await run('id -u; id -g; id -G; pwd')).toBe('1000\n1000\n1000\n/box\n');
  });

  test('runs as the uid the platform gives the worker (CODERING_SANDBOX_UID)', async () => {
    expect(await run('id -u; id -g', {}, { sandboxUid: 60003 })).toBe('60003\n1000\n');
  });

  test('has no capability and no_new_privs', async () => {
    const out = await run([statusLine('CapEff'), statusLine('CapPrm'), statusLine('NoNewPrivs')].join('; '));
    expect(out).toBe('CapEff: 0000000000000000\nCapPrm: 0000000000000000\nNoNewPrivs: 1\n');
  });
});

describe('our syscall filter', () => {
  test('is installed, stacked on the engine\'s', async () => {
    // 2 = filter mode; the engine's own profile and ours make two filters
    expect(await run(`${statusLine('Seccomp')}; ${statusLine('Seccomp_filters')}`)).toMatch(/^Seccomp: 2\nSeccomp_filters: ([2-9]|\d\d)\n$/);
  });

  test('answers ENOSYS to io_uring_setup', async () => {
    expect(await run(PROBE_PATH)).toBe('io_uring_setup -1 errno 38\n');
  });
});

describe('rlimits from the request', () => {
  const limit = (name: string): string => `grep '^${name}' /proc/self/limits | sed 's/  */ /g; s/ $//'`;

  test('CPU seconds (rounded up, hard one more), no core files, file size', async () => {
    const out = await run([limit('Max cpu time'), limit('Max core file size'), limit('Max file size')].join('; '), {
      limits: { cpuMs: 2500, fileBytes: 1_048_576 },
    });
    expect(out).toBe('Max cpu time 3 4 seconds\nMax core file size 0 0 bytes\nMax file size 1048576 1048576 bytes\n');
  });

  test('a file larger than file_bytes is cut off (SIGXFSZ)', async () => {
    const result = await proxy().onceResult(shellRequest('head -c 4096 /dev/zero > big; wc -c < big', { limits: { fileBytes: 1024 } }));
    expect(text(result.stdout)).toBe('1024\n');
  });

  test('processes only with a uid of the worker\'s own: the kernel counts a uid host-wide', async () => {
    const processes = `grep '^Max processes' /proc/self/limits | tr -s ' ' | cut -d' ' -f3`;
    expect(await run(processes, { limits: { processes: 20 } }, { sandboxUid: 60003 })).toBe('20\n');
    expect(await run(processes, { limits: { processes: 20 } })).not.toBe('20\n');
  });
});

describe('the environment', () => {
  const hooks = {
    PYTHONSTARTUP: '/tmp/evil.py',
    NODE_OPTIONS: '--require /tmp/evil.js',
    RUBYOPT: '-r/tmp/evil',
    PERL5OPT: '-Mevil',
    BASH_ENV: '/tmp/evil.sh',
    ENV: '/tmp/evil.sh',
    LD_AUDIT: '/tmp/evil.so',
    JAVA_TOOL_OPTIONS: '-javaagent:/tmp/evil.jar',
    PHPRC: '/tmp',
    HOME: '/root',
    USER: 'root',
  };

  test('is the image\'s, less every start-up hook, plus HOME, USER, PYTHONNOUSERSITE and CODERING_MAIN', async () => {
    const out = await run('env | sort', {}, { env: { ...hooks, IMAGE_SETS_THIS: 'kept', PATH: '/usr/bin:/bin' } });
    const env = new Map(out.trim().split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
    for (const hook of Object.keys(hooks).filter((name) => name !== 'HOME' && name !== 'USER')) expect(env.has(hook)).toBe(false);
    expect(Object.fromEntries([...env].filter(([name]) => ['HOME', 'USER', 'PYTHONNOUSERSITE', 'CODERING_MAIN', 'IMAGE_SETS_THIS', 'PATH', 'LANG'].includes(name)))).toEqual({
      HOME: '/box',
      USER: 'sandbox',
      PYTHONNOUSERSITE: '1',
      CODERING_MAIN: 'main.sh',
      IMAGE_SETS_THIS: 'kept',
      PATH: '/usr/bin:/bin',
      LANG: 'C.UTF-8',
    });
  });

  test('does not inherit the proxy\'s descriptors: only 0, 1 and 2 are open', async () => {
    expect(await run('ls /proc/self/fd')).toBe('0\n1\n2\n3\n'); // 3: ls's own listing of the folder
  });
});
