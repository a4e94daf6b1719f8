/**
 * Judged runs on the cluster path: a batch of test cases sent by the API's NuclioPlatform to one
 * replica in the shell-runtime harness, where the proxy runs `--once` per event. It runs a batch as
 * `--serve` does: one compile, each case from the box as compile left it, nothing a case leaves (a
 * process of the sandbox uid, files in /box and /tmp, a rewritten program) reaching the next one.
 * And a batch at the API's cap (its cases' wall limits adding up to the function's maximum wall
 * time, registry-api/executor/test-cases.ts) answers within the function's event timeout, which is
 * made from those maxima (factory/nuclio eventTimeoutMs): the harness answers 408 past it.
 */
import { MAX_LIMITS, NuclioCluster, type RuntimeFunction } from './runtime-functions';

jest.setTimeout(30 * 60_000);

let cluster: NuclioCluster;

beforeAll(async () => {
  cluster = await NuclioCluster.start();
});

afterAll(async () => {
  await cluster?.close();
});

describe('C', () => {
  let c: RuntimeFunction;
  /** The function's maxima, as infra gives them: its event timeout is 10 + 3 + 5 s. */
  const FUNCTION_LIMITS = { ...MAX_LIMITS, wallMs: 3000, compileWallMs: 10_000 };

  beforeAll(async () => {
    c = await cluster.deploy('c@latest', { limits: FUNCTION_LIMITS });
  });

  afterAll(async () => {
    if (c) await cluster.remove(c);
  });

  test('a batch at the cap compiles once and answers every case within the event timeout', async () => {
    const program = '#include <stdio.h>\nint main(void) { long n; if (scanf("%ld", &n) != 1) return 2; while (n < 0) { } printf("%ld\\n", 2 * n); return 0; }\n';
    const started = Date.now();
    // five cases of 600 ms: their wall limits add up to the function's maximum, 3 s, three of them spent in full
    const result = await cluster.run(c, {
      files: [{ name: 'main.c', content: program }],
      main: 'main.c',
      limits: { wallMs: 600, compileWallMs: FUNCTION_LIMITS.compileWallMs },
      cases: [{ stdin: '1' }, { stdin: '-1' }, { stdin: '21' }, { stdin: '-2' }, { stdin: '-3' }],
    });
    expect(result.status).toBe('ok');
    expect(result.compile).toMatchObject({ exitCode: 0 });
    expect(result.cases?.map((testCase) => [testCase.status, testCase.stdout])).toEqual([
      ['ok', '2\n'],
      ['timeout', ''],
      ['ok', '42\n'],
      ['timeout', ''],
      ['timeout', ''],
    ]);
    expect(Date.now() - started).toBeLessThan(FUNCTION_LIMITS.compileWallMs + FUNCTION_LIMITS.wallMs + 5000);
  });
});

describe('Python', () => {
  let python: RuntimeFunction;

  beforeAll(async () => {
    python = await cluster.deploy('python@latest');
  });

  afterAll(async () => {
    if (python) await cluster.remove(python);
  });

  test('a case that leaves a process, files and a rewritten program does not affect the next case', async () => {
    const program = [
      'import os, subprocess, sys',
      'if sys.argv[1:] == ["leave"]:',
      '    subprocess.Popen(["sleep", "300"], start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)',
      '    open("/tmp/planted", "w").write("x")',
      '    open("planted.txt", "w").write("x")',
      '    open("main.py", "w").write("print(\\"tampered\\")\\n")',
      '    print("left")',
      'else:',
      '    def comm(pid):',
      '        try:',
      '            return open(f"/proc/{pid}/comm").read().strip()',
      '        except OSError:',
      '            return ""',
      '    sleeping = sum(1 for pid in os.listdir("/proc") if pid.isdigit() and comm(pid) == "sleep")',
      '    print(sorted(os.listdir(".")), os.path.exists("/tmp/planted"), "sleeping:", sleeping)',
      '',
    ].join('\n');
    const result = await cluster.run(python, {
      files: [{ name: 'main.py', content: program }],
      main: 'main.py',
      limits: { wallMs: 3000 },
      cases: [{}, { args: ['leave'] }, {}, { args: ['leave'] }, {}],
    });
    const fresh = "['main.py'] False sleeping: 0\n";
    expect(result.cases?.map((testCase) => testCase.stdout)).toEqual([fresh, 'left\n', fresh, 'left\n', fresh]);
    // and the next event finds the replica as fresh
    const next = await cluster.run(python, { files: [{ name: 'main.py', content: program }], main: 'main.py' });
    expect(next.stdout).toBe(fresh);
  });
});
