/**
 * Prewarm must be invisible: a program run by an interpreter started before its request behaves as
 * one started by `python3 main.py` / `node main.js`. Each program runs three times on one worker:
 * the first may start cold (the worker's interpreter was started with other limits), the next two
 * are served by the prewarmed interpreter — all three answers must be the same, and right.
 */
import { startLiveApi, type LiveApi } from '../support';

jest.setTimeout(10 * 60_000);

let api: LiveApi;

beforeAll(async () => {
  api = await startLiveApi({ runtimes: ['python@latest', 'node@latest'], warmFloor: 1 });
});

afterAll(async () => {
  await api?.close();
});

async function threeTimes(runtime: string, files: Array<{ name: string; content: string }>, extra: Record<string, unknown> = {}) {
  const answers = [];
  for (let i = 0; i < 3; i++) {
    // time for the worker to start its next interpreter
    await new Promise((resolve) => setTimeout(resolve, 400));
    const { status, body } = await api.run({ runtime, files, mode: 'single', ...extra });
    expect(status).toBe(200);
    answers.push({ status: body.status, exitCode: body.exitCode, stdout: body.stdout, stderr: body.stderr });
  }
  expect(answers[1]).toEqual(answers[0]);
  expect(answers[2]).toEqual(answers[0]);
  return answers[0]!;
}

describe('python', () => {
  test('argv, __name__, __file__, sys.path, stdin and the exit code are those of `python3 main.py`', async () => {
    const answer = await threeTimes(
      'python@latest',
      [{ name: 'main.py', content: 'import sys, os\nprint(sys.argv, __name__, __file__, sys.path[0], os.environ["CODERING_MAIN"])\nprint(sys.stdin.read())\nsys.exit(7)' }],
      { args: ['a', 'b c'], stdin: 'in' },
    );
    expect(answer).toMatchObject({ status: 'runtime_error', exitCode: 7, stdout: "['main.py', 'a', 'b c'] __main__ /box/main.py /box main.py\nin\n" });
  });

  test('a traceback starts in the program, and multiprocessing finds its __main__', async () => {
    const traceback = await threeTimes('python@latest', [{ name: 'main.py', content: 'def f():\n    raise ValueError("boom")\n\nf()\n' }]);
    // (python 3.13 adds its own ~^^ markers: the frames are what matters)
    expect(traceback.stderr).toMatch(/^Traceback \(most recent call last\):\n {2}File "\/box\/main.py", line 4, in <module>\n/);
    expect(traceback.stderr).toMatch(/File "\/box\/main.py", line 2, in f\n[\s\S]*ValueError: boom\n$/);
    expect(traceback.stderr).not.toContain('<string>');
    const pool = await threeTimes('python@latest', [
      {
        name: 'main.py',
        content: 'import multiprocessing as mp\n\ndef square(x):\n    return x * x\n\nif __name__ == "__main__":\n    with mp.get_context("spawn").Pool(2) as pool:\n        print(pool.map(square, range(5)))\n',
      },
    ]);
    expect(pool).toMatchObject({ status: 'ok', stdout: '[0, 1, 4, 9, 16]\n' });
  });
});

describe('node', () => {
  test('argv, require.main, execArgv, stdin and the exit code are those of `node main.js`', async () => {
    const answer = await threeTimes(
      'node@latest',
      [{ name: 'main.js', content: 'console.log(JSON.stringify([process.argv.slice(1), require.main === module, __filename, process.execArgv, require("fs").readFileSync(0, "utf8")]));\nprocess.exitCode = 7;' }],
      { args: ['a', 'b c'], stdin: 'in' },
    );
    expect(answer).toMatchObject({ status: 'runtime_error', exitCode: 7, stdout: '[["/box/main.js","a","b c"],true,"/box/main.js",[],"in"]\n' });
  });

  test('child_process.fork and ES modules work as with a cold start', async () => {
    const fork = await threeTimes('node@latest', [
      { name: 'main.js', content: 'const child = require("child_process").fork("./child.js");\nchild.on("message", (m) => { console.log("child says", m); child.disconnect(); });' },
      { name: 'child.js', content: 'process.send(6 * 7);' },
    ]);
    expect(fork).toMatchObject({ status: 'ok', stdout: 'child says 42\n' });
    const esm = await threeTimes('node@latest', [
      { name: 'main.mjs', content: 'import { twice } from "./lib.mjs";\nconsole.log(twice(21), import.meta.url);' },
      { name: 'lib.mjs', content: 'export const twice = (x) => 2 * x;' },
    ], { main: 'main.mjs' });
    expect(esm).toMatchObject({ status: 'ok', stdout: '42 file:///box/main.mjs\n' });
  });
});
