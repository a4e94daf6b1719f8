/**
 * Prewarm must be invisible: a program run by an interpreter started before its request (`runtime.sh
 * prewarm`) shows what `runtime.sh run` shows, byte for byte: its stdout, its stderr (tracebacks and
 * stacks name the program's frames and nothing of ours), its exit code.
 *
 * Every runtime version of the catalogue with a prewarm step gets one worker, and each case below runs
 * on it twice. Cold: with limits other than those of the interpreter waiting on the worker (started
 * with the last request's), which the proxy then ends to start `runtime.sh run`. Warm: the same limits
 * again, so the interpreter started after the cold run takes the program. The two answers must be equal,
 * and the cold one right. Whether the pair really was cold then warm is checked before and after the
 * cases, with the one thing that tells them apart: the interpreter's command line.
 */
import { everyVersion, loadCatalogue } from '../../../factory/catalogue';
import type { SourceFile } from '../../../registry-api/platform';
import { startLiveApi, type LiveApi, type RunBody } from '../support';

jest.setTimeout(30 * 60_000);

interface FidelityCase {
  name: string;
  files: SourceFile[];
  main?: string;
  stdin?: string;
  args?: string[];
  /** What the cold answer must say, so that two equal answers are also the right ones. */
  expected: { status: string | RegExp; exitCode?: number; stdout?: string | RegExp; stderr?: string | RegExp };
  /** What differs between any two runs, cold or warm (a process id), replaced before comparing. */
  varies?: RegExp;
}

const file = (name: string, ...lines: string[]): SourceFile => ({ name, content: `${lines.join('\n')}\n` });

const PYTHON: FidelityCase[] = [
  {
    name: 'a syntax error',
    files: [file('main.py', 'print("before")', 'x = (1,', 'print(x)')],
    expected: { status: 'runtime_error', exitCode: 1, stdout: '', stderr: /^ {2}File "\/box\/main.py", line \d+\n[\s\S]*SyntaxError: / },
  },
  {
    name: 'an uncaught exception at top level',
    files: [file('main.py', 'print("partial output")', 'raise ValueError("top level")')],
    expected: {
      status: 'runtime_error',
      exitCode: 1,
      stdout: 'partial output\n',
      stderr: 'Traceback (most recent call last):\n  File "/box/main.py", line 2, in <module>\n    raise ValueError("top level")\nValueError: top level\n',
    },
  },
  {
    name: 'an exception raised inside a function',
    files: [file('main.py', 'def divide(a, b):', '    return a / b', '', '', 'def main():', '    print(divide(1, 0))', '', '', 'main()')],
    expected: { status: 'runtime_error', exitCode: 1, stderr: /^Traceback \(most recent call last\):\n {2}File "\/box\/main.py", line 9, in <module>\n[\s\S]*, line 2, in divide\n[\s\S]*ZeroDivisionError: division by zero\n$/ },
  },
  {
    name: 'sys.exit(3)',
    files: [file('main.py', 'import sys', 'print("bye")', 'sys.exit(3)')],
    expected: { status: 'runtime_error', exitCode: 3, stdout: 'bye\n', stderr: '' },
  },
  {
    name: 'sys.exit with a message',
    files: [file('main.py', 'import sys', 'sys.exit("fatal: bad input")')],
    expected: { status: 'runtime_error', exitCode: 1, stderr: 'fatal: bad input\n' },
  },
  {
    name: 'an exception from a module the program imports from /box',
    files: [file('main.py', 'from helper import parse', '', 'parse("x")'), file('helper.py', 'def parse(text):', '    return int(text)')],
    expected: { status: 'runtime_error', exitCode: 1, stderr: /File "\/box\/main.py", line 3, in <module>\n[\s\S]*File "\/box\/helper.py", line 2, in parse\n[\s\S]*ValueError: / },
  },
  {
    name: 'stdin and argv',
    files: [file('main.py', 'import os, stat, sys', 'print(sys.argv)', 'print(repr(sys.stdin.readline()))', 'print(repr(sys.stdin.read()))', 'print(sys.stdin.seekable(), stat.S_ISREG(os.fstat(0).st_mode), repr(sys.stdin))')],
    stdin: 'first line\r\nsecond é\n\nlast',
    args: ['a', 'b c', '', 'é'],
    expected: {
      status: 'ok',
      // (cold, stdin is a memfd of the request's stdin: a seekable file)
      stdout: /^\['main.py', 'a', 'b c', '', 'é'\]\n'first line\\r\\n'\n'second é\\n\\nlast'\nTrue True <_io.TextIOWrapper name='<stdin>' mode='r' encoding='utf-8'>\n$/,
    },
  },
  {
    name: 'infinite recursion',
    files: [file('main.py', 'def down(n):', '    return down(n + 1)', '', '', 'down(0)')],
    expected: { status: 'runtime_error', exitCode: 1, stderr: /\[Previous line repeated \d+ more times\]\nRecursionError: maximum recursion depth exceeded/ },
  },
  {
    name: 'the stack the program sees',
    files: [file('main.py', 'import inspect, sys, traceback', '', '', 'def where():', '    traceback.print_stack(file=sys.stdout)', '    print(len(inspect.stack()), sys._getframe(1).f_back)', '', '', 'where()')],
    expected: { status: 'ok', stdout: /^ {2}File "\/box\/main.py", line 9, in <module>\n[\s\S]*\n2 None\n$/ },
  },
  {
    name: 'a main file of another name',
    files: [file('prog.py', 'import sys', 'print(sys.argv, __file__)', 'raise KeyError("other")')],
    main: 'prog.py',
    args: ['x'],
    expected: { status: 'runtime_error', exitCode: 1, stdout: "['prog.py', 'x'] /box/prog.py\n", stderr: /File "\/box\/prog.py", line 3, in <module>\n[\s\S]*KeyError: 'other'\n$/ },
  },
  {
    name: "the interpreter's state: argv, __main__, sys.path, modules, environment, files",
    files: [
      file(
        'main.py',
        'import os, sys',
        'print(sys.argv, getattr(sys, "orig_argv", None), __name__, __file__, __spec__, __cached__, type(__loader__).__name__)',
        'print(sorted(k for k in globals() if k not in ("os", "sys")))',
        'print(sys.path, sorted(sys.path_importer_cache))',
        'print(sorted(sys.modules), sys.modules["sitecustomize"].__file__)',
        'print(list(os.environ.items()))',
        'print(sys.flags, sys.warnoptions, sys._xoptions, sys.getrecursionlimit())',
        'print(os.listdir("/tmp"), sorted(os.listdir("/box")), sorted(os.listdir("/proc/self/fd")))',
        'sys.exit(7)',
      ),
    ],
    args: ['a'],
    expected: { status: 'runtime_error', exitCode: 7, stdout: /^\['main.py', 'a'\] .* __main__ \/box\/main.py None None SourceFileLoader\n/ },
  },
  {
    name: 'multiprocessing finds its __main__',
    files: [file('main.py', 'import multiprocessing as mp', '', 'def square(x):', '    return x * x', '', 'if __name__ == "__main__":', '    with mp.get_context("spawn").Pool(2) as pool:', '        print(pool.map(square, range(5)))')],
    expected: { status: 'ok', stdout: '[0, 1, 4, 9, 16]\n' },
  },
];

const NODE: FidelityCase[] = [
  {
    name: 'a syntax error',
    files: [file('main.js', 'console.log("before");', 'let x = ;')],
    expected: { status: 'runtime_error', exitCode: 1, stdout: '', stderr: /^\/box\/main.js:2\nlet x = ;\n[\s\S]*SyntaxError: Unexpected token/ },
  },
  {
    name: 'an uncaught error at top level',
    files: [file('main.js', 'console.log("partial output");', 'throw new TypeError("top level");')],
    expected: { status: 'runtime_error', exitCode: 1, stdout: 'partial output\n', stderr: /^\/box\/main.js:2\n[\s\S]*TypeError: top level\n {4}at Object.<anonymous> \(\/box\/main.js:2:7\)\n/ },
  },
  {
    name: 'an error thrown inside a function',
    files: [file('main.js', 'function first(list) {', '  return list[0].name;', '}', 'console.log(first([]));')],
    expected: { status: 'runtime_error', exitCode: 1, stderr: /TypeError: [^\n]*\n {4}at first \(\/box\/main.js:2:\d+\)\n {4}at Object.<anonymous> \(\/box\/main.js:4:13\)\n/ },
  },
  {
    name: 'process.exit(3)',
    files: [file('main.js', 'console.log("bye");', 'process.exit(3);')],
    expected: { status: 'runtime_error', exitCode: 3, stdout: 'bye\n', stderr: '' },
  },
  {
    name: 'process.exitCode',
    files: [file('main.js', 'console.log("set");', 'process.exitCode = 7;')],
    expected: { status: 'runtime_error', exitCode: 7, stdout: 'set\n', stderr: '' },
  },
  {
    name: 'an error thrown from a module the program requires from /box',
    files: [
      file('main.js', 'const { parse } = require("./helper");', 'parse("x");'),
      file('helper.js', 'exports.parse = (text) => {', '  if (Number.isNaN(Number(text))) throw new RangeError(`not a number: ${text}`);', '};'),
    ],
    expected: { status: 'runtime_error', exitCode: 1, stderr: /^\/box\/helper.js:2\n[\s\S]*RangeError: not a number: x\n {4}at [^\n]*\(\/box\/helper.js:2:\d+\)\n {4}at Object.<anonymous> \(\/box\/main.js:2:1\)\n/ },
  },
  {
    name: 'stdin and argv',
    files: [file('main.js', 'const fs = require("fs");', 'console.log(process.argv.slice(1));', 'console.log(JSON.stringify(fs.readFileSync(0, "utf8")));')],
    stdin: 'first line\r\nsecond é\n\nlast',
    args: ['a', 'b c', '', 'é'],
    expected: { status: 'ok', stdout: "[ '/box/main.js', 'a', 'b c', '', 'é' ]\n\"first line\\r\\nsecond é\\n\\nlast\"\n" },
  },
  {
    name: 'stdin as a stream',
    files: [file('main.js', 'let text = "";', 'process.stdin.setEncoding("utf8");', 'process.stdin.on("data", (chunk) => (text += chunk));', 'process.stdin.on("end", () => console.log(JSON.stringify(text.split("\\n"))));')],
    stdin: 'one\ntwo\n',
    expected: { status: 'ok', stdout: '["one","two",""]\n' },
  },
  {
    name: 'infinite recursion',
    files: [file('main.js', 'function down(n) {', '  return down(n + 1) + 1;', '}', 'down(0);')],
    expected: { status: 'runtime_error', exitCode: 1, stderr: /RangeError: Maximum call stack size exceeded\n\n? {4}at down \(\/box\/main.js:\d+:/ },
  },
  {
    name: 'the stack the program sees',
    files: [file('main.js', 'function where() {', '  console.log(new Error("here").stack);', '}', 'where();')],
    expected: { status: 'ok', stdout: /^Error: here\n {4}at where \(\/box\/main.js:2:15\)\n {4}at Object.<anonymous> \(\/box\/main.js:4:1\)\n/ },
  },
  {
    name: 'an unhandled rejection',
    files: [file('main.js', 'async function load() {', '  throw new Error("async failure");', '}', 'load();')],
    // node 12 warns (with its pid) and ends with 0; later ones end with 1
    expected: { status: /^(ok|runtime_error)$/, stderr: /Error: async failure\n {4}at load \(\/box\/main.js:2:9\)\n/ },
    varies: /\(node:\d+\)/g,
  },
  {
    name: 'a main file of another name',
    files: [file('prog.js', 'console.log(process.argv.slice(1), __filename, require.main === module);', 'throw new Error("other");')],
    main: 'prog.js',
    args: ['x'],
    expected: { status: 'runtime_error', exitCode: 1, stdout: "[ '/box/prog.js', 'x' ] /box/prog.js true\n", stderr: /Error: other\n {4}at Object.<anonymous> \(\/box\/prog.js:2:7\)\n/ },
  },
  {
    name: 'an ES module main file',
    files: [file('main.mjs', 'import { twice } from "./lib.mjs";', 'console.log(twice(21), import.meta.url);', 'throw new Error("esm");'), file('lib.mjs', 'export const twice = (x) => 2 * x;')],
    main: 'main.mjs',
    expected: { status: 'runtime_error', exitCode: 1, stdout: '42 file:///box/main.mjs\n', stderr: /Error: esm\n {4}at file:\/\/\/box\/main.mjs:3:7\n/ },
  },
  {
    name: "the interpreter's state: argv, execArgv, the module, environment, files",
    files: [
      file(
        'main.js',
        'const fs = require("fs");',
        'console.log(JSON.stringify([process.argv, process.execArgv, process.argv0, require.main === module, module.id, module.parent, module.paths]));',
        'console.log(JSON.stringify([Object.keys(require.cache), Object.entries(process.env), Error.stackTraceLimit, typeof Error.prepareStackTrace]));',
        'console.log(JSON.stringify([fs.readdirSync("/tmp"), fs.readdirSync("/box"), fs.readdirSync("/proc/self/fd")]));',
        'process.exitCode = 7;',
      ),
    ],
    args: ['a'],
    expected: { status: 'runtime_error', exitCode: 7, stdout: /^\[\["\/usr\/bin\/node","\/box\/main.js","a"\],\[\],"node",true,"\.",null,/ },
  },
  {
    name: 'child_process.fork and worker threads start as they would without us',
    files: [
      file(
        'main.js',
        'const { Worker } = require("worker_threads");',
        'const child = require("child_process").fork("./child.js");',
        'child.on("message", (m) => {',
        '  console.log("child says", m);',
        '  child.disconnect();',
        // the worker's message and its error reach this thread in either order: printed once both came
        '  let said, failed;',
        '  const both = () => said !== undefined && failed !== undefined && (console.log("worker says", said), console.log(failed));',
        '  new Worker("./worker.js").on("message", (w) => { said = w; both(); }).on("error", (e) => { failed = e.stack; both(); });',
        '});',
      ),
      file('child.js', 'process.send([process.execArgv, process.argv.slice(1)]);'),
      file('worker.js', 'require("worker_threads").parentPort.postMessage([process.execArgv, process.env.CODERING_MAIN]);', 'null.field;'),
    ],
    expected: { status: 'ok', stdout: /^child says \[ \[\], \[ '\/box\/child.js' \] \]\nworker says \[ \[\], 'main.js' \]\nTypeError: [^\n]*\n {4}at Object.<anonymous> \(\/box\/worker.js:2:6\)\n/ },
  },
];

const CASES: Record<string, FidelityCase[]> = { python: PYTHON, node: NODE };

/** Prints the interpreter's own command line: with the args when cold, without them when warm. */
const COMMAND_LINE: Record<string, SourceFile> = {
  python: file('main.py', 'print(open("/proc/self/cmdline").read().split("\\0"))'),
  node: file('main.js', 'console.log(require("fs").readFileSync("/proc/self/cmdline", "utf8").split("\\0"));'),
};

const prewarmed = everyVersion(loadCatalogue()).filter(({ definition }) => definition.prewarm === true);

let api: LiveApi;

beforeAll(async () => {
  api = await startLiveApi({ runtimes: prewarmed.map(({ spec }) => spec), warmFloor: 1 });
});

afterAll(async () => {
  await api?.close();
});

type Answer = Pick<RunBody, 'status' | 'exitCode' | 'signal' | 'stdout' | 'stderr' | 'stdoutTruncated'>;

/** Per runtime version, the CPU limits of its last pair: the next pair's must differ (in seconds). */
const lastCpuMs = new Map<string, number>();

async function runOnce(spec: string, program: Omit<FidelityCase, 'name' | 'expected'>, cpuMs: number): Promise<Answer> {
  const { files, main, stdin, args } = program;
  const { status, body } = await api.run({ runtime: spec, files, main, stdin, args, mode: 'single', limits: { cpuMs } });
  if (status !== 200) throw new Error(`HTTP ${status}: ${JSON.stringify(body)}`);
  return { status: body.status, exitCode: body.exitCode, signal: body.signal, stdout: body.stdout, stderr: body.stderr, stdoutTruncated: body.stdoutTruncated };
}

/** The program run cold, then warm. */
async function coldThenWarm(spec: string, program: Omit<FidelityCase, 'name' | 'expected'>): Promise<{ cold: Answer; warm: Answer }> {
  const cpuMs = lastCpuMs.get(spec) === 3000 ? 4000 : 3000;
  lastCpuMs.set(spec, cpuMs);
  const cold = await runOnce(spec, program, cpuMs);
  const warm = await runOnce(spec, program, cpuMs);
  return { cold, warm };
}

async function expectColdThenWarm(spec: string, language: string): Promise<void> {
  const main = COMMAND_LINE[language] as SourceFile;
  const { cold, warm } = await coldThenWarm(spec, { files: [main], args: ['arg'] });
  expect(cold).toMatchObject({ status: 'ok' });
  expect(cold.stdout).toContain('arg');
  expect(warm).toMatchObject({ status: 'ok' });
  expect(warm.stdout).not.toEqual(cold.stdout);
}

test('every prewarmed runtime of the catalogue has its cases here', () => {
  const languages = [...new Set(prewarmed.map(({ definition }) => definition.language))];
  expect(languages.length).toBeGreaterThan(0);
  expect(languages.filter((language) => CASES[language] === undefined || COMMAND_LINE[language] === undefined)).toEqual([]);
});

describe.each(prewarmed.map(({ definition, spec }) => [spec, definition.language] as const))('%s', (spec, language) => {
  test('the two runs of a pair are cold, then warm', async () => {
    await expectColdThenWarm(spec, language);
  });

  test.each((CASES[language] ?? []).map((fidelityCase) => [fidelityCase.name, fidelityCase] as const))('%s: warm is cold, byte for byte', async (_name, fidelityCase) => {
    const { cold, warm } = await coldThenWarm(spec, fidelityCase);
    const { status, exitCode, stdout, stderr } = fidelityCase.expected;
    if (typeof status === 'string') expect(cold.status).toBe(status);
    else expect(cold.status).toMatch(status);
    if (exitCode !== undefined) expect(cold.exitCode).toBe(exitCode);
    for (const [stream, want] of [['stdout', stdout], ['stderr', stderr]] as const) {
      if (typeof want === 'string') expect(cold[stream]).toBe(want);
      else if (want !== undefined) expect(cold[stream]).toMatch(want);
    }
    const { varies } = fidelityCase;
    const same = (answer: Answer): Answer =>
      varies === undefined ? answer : { ...answer, stdout: answer.stdout.replace(varies, '…'), stderr: answer.stderr.replace(varies, '…') };
    expect(same(warm)).toEqual(same(cold));
  });

  test('after every case, the worker still prewarms', async () => {
    await expectColdThenWarm(spec, language);
  });
});
