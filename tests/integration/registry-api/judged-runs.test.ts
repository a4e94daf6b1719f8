/**
 * Judged runs (`tests`) end to end on this machine: the real API (keys required), the real images
 * of C and Python, warm workers racing in pairs. A C program is compiled once for all its cases and
 * gets the verdicts it deserves; a compile error answers once; a Python batch; a case that leaves a
 * daemon, files and a rewritten program behind does not reach the next case; the published example
 * succeeds as written.
 */

import { startLiveApi, type LiveApi, type RunBody } from '../support';

// The first run on a machine builds the C and Python images (a few minutes); later runs find them.
jest.setTimeout(30 * 60_000);

let api: LiveApi;
let key: { authorization: string };

beforeAll(async () => {
  api = await startLiveApi({ runtimes: ['c@latest', 'python@latest'], warmFloor: 2, config: { auth: 'required' } });
  key = { authorization: `Bearer ${api.keys.create({ scopes: ['run'], name: 'judge' }).secret}` };
});

afterAll(async () => {
  await api?.close();
});

async function judged(body: Record<string, unknown>): Promise<RunBody> {
  const { status, body: answer } = await api.run(body, key);
  if (status !== 200) throw new Error(`HTTP ${status}: ${JSON.stringify(answer)}`);
  return answer;
}

const verdicts = (answer: RunBody): [string, string][] => (answer.cases ?? []).map((c) => [c.name, c.verdict]);

/** Doubles a number; a negative one makes it loop for ever. */
const DOUBLE_C = `#include <stdio.h>
int main(void) {
  long n;
  if (scanf("%ld", &n) != 1) return 2;
  while (n < 0) { }
  printf("%ld\\n", 2 * n);
  return 0;
}
`;

test('a C program with five cases is compiled once and gets each verdict: 3 passed, a wrong answer, a timeout', async () => {
  const answer = await judged({
    runtime: 'c@latest',
    files: [{ name: 'main.c', content: DOUBLE_C }],
    limits: { wallMs: 2000 },
    tests: [
      { name: 'one', stdin: '1\n', expectedStdout: '2\n' },
      { name: 'zero', stdin: '0', expectedStdout: '0' },
      { name: 'large', stdin: '1000000000000', expectedStdout: '2000000000000\n' },
      { name: 'wrong', stdin: '3', expectedStdout: '7\n' },
      { name: 'loops', stdin: '-1', expectedStdout: '-2\n', limits: { wallMs: 1000 } },
    ],
  });
  expect(answer.status).toBe('ok');
  expect(verdicts(answer)).toEqual([
    ['one', 'passed'],
    ['zero', 'passed'],
    ['large', 'passed'],
    ['wrong', 'failed'],
    ['loops', 'timeout'],
  ]);
  expect(answer.summary).toEqual({ passed: 3, failed: 2, total: 5 });
  expect(answer.cases?.[3]).toMatchObject({ status: 'ok', stdout: '6\n' });
  // the compile, once, for the whole batch: its time in the answer's timings, none in a case's
  expect(answer.compile).toMatchObject({ exitCode: 0 });
  expect(answer.timings.compileMs).toBeGreaterThan(0);
  for (const c of answer.cases ?? []) expect(Object.keys(c.timings)).toEqual(['runMs']);
  // the four quick cases together take less than the one compile: none of them compiled again
  const quick = (answer.cases ?? []).slice(0, 4).reduce((sum, c) => sum + c.timings.runMs, 0);
  expect(quick).toBeLessThan(answer.timings.compileMs);
  expect(answer.cases?.[4]?.timings.runMs).toBeGreaterThanOrEqual(1000);
  expect(answer.timings.runMs).toBe((answer.cases ?? []).reduce((sum, c) => sum + c.timings.runMs, 0));
});

test('a compile error answers once, with the compiler\'s output; no case runs', async () => {
  const answer = await judged({
    runtime: 'c@latest',
    files: [{ name: 'main.c', content: 'int main(void) { return missing; }\n' }],
    tests: [{ stdin: '1' }, { stdin: '2' }, { stdin: '3' }],
  });
  expect(answer).toMatchObject({ status: 'compile_error', cases: [], summary: { passed: 0, failed: 3, total: 3 }, stdout: '' });
  expect(answer.compile?.stderr).toMatch(/missing/);
});

test('a Python batch: stdin and args per case, a crash, comparisons by tokens', async () => {
  const answer = await judged({
    runtime: 'python@latest',
    files: [{ name: 'main.py', content: 'import sys\nwords = sys.stdin.read().split()\nif sys.argv[1:] == ["crash"]:\n    raise ValueError("no")\nprint(*sorted(words), sep="\\n")\n' }],
    compare: 'tokens',
    tests: [
      { name: 'sorted', stdin: 'b a c', expectedStdout: 'a b c' },
      { name: 'empty', stdin: '', expectedStdout: '' },
      { name: 'crash', stdin: 'x', args: ['crash'], expectedStdout: 'x' },
      { name: 'unsorted expected', stdin: 'b a', expectedStdout: 'b a' },
    ],
  });
  expect(verdicts(answer)).toEqual([
    ['sorted', 'passed'],
    ['empty', 'passed'],
    ['crash', 'runtime_error'],
    ['unsorted expected', 'failed'],
  ]);
  expect(answer.cases?.[2]).toMatchObject({ status: 'runtime_error', exitCode: 1 });
  expect(answer.cases?.[2]?.stderr).toMatch(/ValueError: no/);
  expect(answer.compile).toBeUndefined();
});

/** Leaves a daemon, files in /tmp and the box, and a rewritten program; or says what it finds. */
const LEAVE_OR_INSPECT = `import os, subprocess, sys
if sys.argv[1:] == ["leave"]:
    subprocess.Popen(["sleep", "300"], start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    open("/tmp/planted", "w").write("for the next case")
    open("planted.txt", "w").write("for the next case")
    open("main.py", "w").write('print("tampered")\\n')
    print("left")
else:
    def comm(pid):
        try:
            return open(f"/proc/{pid}/comm").read().strip()
        except OSError:
            return ""
    sleeping = sum(1 for pid in os.listdir("/proc") if pid.isdigit() and comm(pid) == "sleep")
    print(sorted(os.listdir(".")), os.path.exists("/tmp/planted"), "sleeping:", sleeping)
`;

test('Python: a case that leaves a daemon, files and a rewritten program does not affect the next case', async () => {
  const fresh = "['main.py'] False sleeping: 0\n";
  const answer = await judged({
    runtime: 'python@latest',
    files: [{ name: 'main.py', content: LEAVE_OR_INSPECT }],
    // five cases of 5 s (the default) would be more than a judged run may take (20 s)
    limits: { wallMs: 3000 },
    compare: 'exact',
    tests: [
      { name: 'before', expectedStdout: fresh },
      { name: 'leave', args: ['leave'], expectedStdout: 'left\n' },
      { name: 'after', expectedStdout: fresh },
      { name: 'leave again', args: ['leave'], expectedStdout: 'left\n' },
      { name: 'after again', expectedStdout: fresh },
    ],
  });
  expect(answer.cases?.map((c) => c.stdout)).toEqual([fresh, 'left\n', fresh, 'left\n', fresh]);
  expect(answer.summary).toEqual({ passed: 5, failed: 0, total: 5 });
});

test('C: a case that overwrites the compiled program does not change what the next case runs', async () => {
  const program = `#include <stdio.h>
#include <string.h>
int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "overwrite") == 0) {
    /* a running program can't be written to (ETXTBSY), but it can be replaced */
    remove("/box/.codering-main");
    FILE *f = fopen("/box/.codering-main", "w");
    if (!f) return 1;
    fputs("#!/bin/sh\\necho tampered\\n", f);
    fclose(f);
    FILE *g = fopen("/box/dropped", "w");
    fputs("x", g);
    fclose(g);
  }
  FILE *dropped = fopen("/box/dropped", "r");
  printf("original%s\\n", dropped ? " (dropped found)" : "");
  return 0;
}
`;
  const answer = await judged({
    runtime: 'c@latest',
    files: [{ name: 'main.c', content: program }],
    tests: [{ args: ['overwrite'], expectedStdout: 'original (dropped found)' }, { expectedStdout: 'original' }],
  });
  expect(answer.cases?.map((c) => c.stdout)).toEqual(['original (dropped found)\n', 'original\n']);
  expect(answer.summary?.passed).toBe(2);
});

test('a judged run needs a key with the run scope, like any run', async () => {
  const { status, body } = await api.run({ runtime: 'python@latest', files: [{ name: 'main.py', content: 'print(1)' }], tests: [{}] });
  expect([status, body.error?.code]).toEqual([401, 'unauthorized']);
});

test('the published example succeeds as written', async () => {
  const document = (await (await fetch(`${api.base}/docs/json`)).json()) as {
    paths: Record<string, { post: { requestBody: { content: Record<string, { example: Record<string, unknown> }> } } }>;
  };
  const example = document.paths['/v1/run']!.post.requestBody.content['application/json']!.example;
  const answer = await judged(example);
  expect(answer.status).toBe('ok');
  expect(answer.summary).toEqual({ passed: 3, failed: 0, total: 3 });
});
