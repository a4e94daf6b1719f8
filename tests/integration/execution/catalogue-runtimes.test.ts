/**
 * Every language of the catalogue really runs users' code, through the real API: the latest version
 * of each is built (once; cached by content afterwards), warmed, and sent its own smoke program (a
 * main file and a helper it imports, stdin, args), then real programs that end in each status a user
 * can meet: a compiler's error, a non-zero exit, a timeout, a memory bomb, an output flood.
 *
 * The smoke cases come from the catalogue itself; the failing programs are written per language
 * below, and a language of the catalogue without them fails the first test, so that a new language
 * is never silently left out.
 */
import { loadCatalogue, type RuntimeDefinition } from '../../../factory/catalogue';
import { startLiveApi, type LiveApi, type RunBody } from '../support';

// The first run builds every image not built yet, one after the other (java, go and rust take
// minutes each on a 2-core machine); later runs find them cached.
jest.setTimeout(90 * 60_000);

const catalogue = loadCatalogue();
const runtimes = catalogue.runtimes;
const latest = (definition: RuntimeDefinition): string => `${definition.language}@latest`;

/** Programs that fail on purpose, in each language. */
interface FailingPrograms {
  /** Writes `boom` to stderr, then exits with code 3. */
  exitThree: string;
  /** Never ends on its own. */
  infiniteLoop: string;
  /** Compiled languages: does not compile (a syntax error). */
  syntaxError?: string;
}

const PROGRAMS: Record<string, FailingPrograms> = {
  bash: {
    exitThree: 'echo boom >&2\nexit 3\n',
    infiniteLoop: 'while :; do :; done\n',
  },
  c: {
    exitThree: '#include <stdio.h>\nint main(void) {\n  fprintf(stderr, "boom\\n");\n  return 3;\n}\n',
    infiniteLoop: 'int main(void) {\n  volatile unsigned long n = 0;\n  for (;;) n++;\n}\n',
    syntaxError: '#include <stdio.h>\nint main(void) {\n  printf("missing semicolon\\n")\n  return 0;\n}\n',
  },
  cpp: {
    exitThree: '#include <iostream>\nint main() {\n  std::cerr << "boom" << std::endl;\n  return 3;\n}\n',
    infiniteLoop: 'int main() {\n  volatile unsigned long n = 0;\n  for (;;) n++;\n}\n',
    syntaxError: '#include <iostream>\nint main() {\n  std::cout << "missing semicolon" << std::endl\n  return 0;\n}\n',
  },
  go: {
    exitThree: 'package main\n\nimport (\n\t"fmt"\n\t"os"\n)\n\nfunc main() {\n\tfmt.Fprintln(os.Stderr, "boom")\n\tos.Exit(3)\n}\n',
    infiniteLoop: 'package main\n\nfunc main() {\n\tn := 0\n\tfor {\n\t\tn++\n\t}\n}\n',
    syntaxError: 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("unclosed"\n}\n',
  },
  java: {
    exitThree: 'public class Main {\n    public static void main(String[] args) {\n        System.err.println("boom");\n        System.exit(3);\n    }\n}\n',
    infiniteLoop: 'public class Main {\n    public static void main(String[] args) {\n        long n = 0;\n        while (true) n++;\n    }\n}\n',
    syntaxError: 'public class Main {\n    public static void main(String[] args) {\n        System.out.println("missing semicolon")\n    }\n}\n',
  },
  node: {
    exitThree: "console.error('boom');\nprocess.exit(3);\n",
    infiniteLoop: 'for (;;) {}\n',
  },
  php: {
    exitThree: '<?php\nfwrite(STDERR, "boom\\n");\nexit(3);\n',
    infiniteLoop: '<?php\nwhile (true) {}\n',
  },
  python: {
    exitThree: 'import sys\n\nprint("boom", file=sys.stderr)\nsys.exit(3)\n',
    infiniteLoop: 'while True:\n    pass\n',
  },
  ruby: {
    exitThree: 'STDERR.puts "boom"\nexit 3\n',
    infiniteLoop: 'loop {}\n',
  },
  rust: {
    exitThree: 'fn main() {\n    eprintln!("boom");\n    std::process::exit(3);\n}\n',
    infiniteLoop: 'fn main() {\n    let mut n: u64 = 0;\n    loop {\n        n = std::hint::black_box(n + 1);\n    }\n}\n',
    syntaxError: 'fn main() {\n    let x = ;\n    println!("{}", x);\n}\n',
  },
};

const MiB = 1024 * 1024;
const OUTPUT_BYTES = 1000;

let api: LiveApi;
const timings: string[] = [];

/** Runs one program of `definition`'s language as its main file; records what it cost. */
async function run(definition: RuntimeDefinition, label: string, body: Record<string, unknown>): Promise<RunBody> {
  const { status, body: answer } = await api.run({ runtime: latest(definition), mode: 'single', ...body });
  timings.push(`${definition.language.padEnd(7)} ${label.padEnd(14)} ${answer.status?.padEnd(14) ?? '-'} ${answer.timings?.totalMs ?? '-'} ms`);
  // The whole answer on failure: a wrong status is explained by stderr, compile or error.
  if (status !== 200) throw new Error(`HTTP ${status}: ${JSON.stringify(answer)}`);
  return answer;
}

function mainFile(definition: RuntimeDefinition, content: string): { files: { name: string; content: string }[] } {
  return { files: [{ name: definition.main, content }] };
}

/** What to print when an expectation fails: the answer minus the noise. */
function shown(answer: RunBody): string {
  const { status, exitCode, signal, stdout, stderr, compile, stdoutTruncated } = answer;
  return JSON.stringify({ status, exitCode, signal, stdout: stdout.slice(0, 500), stderr: stderr.slice(0, 2000), compile, stdoutTruncated }, null, 1);
}

function expectStatus(answer: RunBody, status: string): void {
  if (answer.status !== status) throw new Error(`expected status ${status}, got:\n${shown(answer)}`);
}

beforeAll(async () => {
  const started = Date.now();
  // One warm worker per runtime (the 2-core machine runs them all); runs are `single`, so one each
  // is enough, plus room for a worker that is replaced after a memory bomb.
  api = await startLiveApi({ runtimes: runtimes.map(latest), warmFloor: 1, maxWorkers: runtimes.length + 4 });
  timings.push(`start-up (builds + warm pools): ${Math.round((Date.now() - started) / 1000)} s`);
});

afterAll(async () => {
  await api?.close();
  // The cost of each run, for whoever tunes the runtimes.
  console.log(`catalogue runtimes, run by run:\n${timings.join('\n')}`);
});

test('every language of the catalogue has its failing programs here, and every runtime is warm', async () => {
  expect(runtimes.map((definition) => definition.language).filter((language) => PROGRAMS[language] === undefined)).toEqual([]);
  for (const definition of runtimes) {
    expect({ language: definition.language, syntaxError: PROGRAMS[definition.language]?.syntaxError !== undefined }).toEqual({
      language: definition.language,
      syntaxError: definition.compiled,
    });
  }
  const ready = await fetch(`${api.base}/readyz`);
  expect({ status: ready.status, body: await ready.json() }).toEqual({ status: 200, body: { status: 'ready' } });
});

describe.each(runtimes.map((definition) => [definition.language, definition] as const))('%s', (_language, definition) => {
  const programs = (): FailingPrograms => PROGRAMS[definition.language] as FailingPrograms;

  test('runs its smoke program (main + helper, stdin, args) in the latest version', async () => {
    const { smoke } = definition;
    expect(smoke.files.length).toBeGreaterThanOrEqual(2);
    const answer = await run(definition, 'smoke', { files: smoke.files, stdin: smoke.stdin, args: smoke.args });
    expectStatus(answer, 'ok');
    expect(answer).toMatchObject({ stdout: smoke.expectedStdout, exitCode: 0, signal: null, stdoutTruncated: false });
    expect(answer.runtime.id).toBe(`${definition.language}@${definition.versions[0]?.version}`);
    if (definition.compiled) expect(answer.compile).toMatchObject({ exitCode: 0 });
  });

  test('a non-zero exit is a runtime_error with its code and stderr', async () => {
    const answer = await run(definition, 'exit 3', mainFile(definition, programs().exitThree));
    expectStatus(answer, 'runtime_error');
    expect(answer).toMatchObject({ exitCode: 3, signal: null, stdout: '' });
    expect(answer.stderr).toContain('boom');
  });

  test('an infinite loop is a timeout at limits.wallMs', async () => {
    const wallMs = 1000;
    const answer = await run(definition, 'infinite loop', { ...mainFile(definition, programs().infiniteLoop), limits: { wallMs } });
    expectStatus(answer, 'timeout');
    expect(answer.exitCode).toBeNull();
    expect(answer.timings.totalMs).toBeGreaterThanOrEqual(wallMs);
  });

  if (definition.compiled) {
    test('a syntax error is a compile_error with the compiler message', async () => {
      const answer = await run(definition, 'syntax error', mainFile(definition, programs().syntaxError as string));
      expectStatus(answer, 'compile_error');
      expect(answer).toMatchObject({ exitCode: null, stdout: '' });
      expect(answer.compile?.exitCode).not.toBe(0);
      const message = `${answer.compile?.stderr ?? ''}${answer.compile?.stdout ?? ''}`;
      // The compiler's own words, naming the user's file.
      expect(message).toMatch(/error/i);
      expect(message).toContain(definition.main);
    });
  }
});

const byLanguage = (language: string): RuntimeDefinition => {
  const definition = catalogue.find(language);
  if (definition === undefined) throw new Error(`${language} is not in the catalogue`);
  return definition;
};

describe('memory bombs are a memory_limit', () => {
  const limits = { memoryBytes: 64 * MiB, wallMs: 10_000 };

  test('python', async () => {
    const python = byLanguage('python');
    const bomb = 'hoard = []\nwhile True:\n    hoard.append(bytearray(16 * 1024 * 1024))\n';
    const answer = await run(python, 'memory bomb', { ...mainFile(python, bomb), limits });
    expectStatus(answer, 'memory_limit');
    expect(answer.stdout).toBe('');
  });

  test('c', async () => {
    const c = byLanguage('c');
    const bomb =
      '#include <stdlib.h>\n#include <string.h>\n' +
      'int main(void) {\n  for (;;) {\n    char *block = malloc(16 << 20);\n    if (block == NULL) return 1;\n    memset(block, 1, 16 << 20);\n  }\n}\n';
    const answer = await run(c, 'memory bomb', { ...mainFile(c, bomb), limits });
    expectStatus(answer, 'memory_limit');
  });
});

describe('output floods are an output_limit, cut at limits.outputBytes', () => {
  const floods: [string, string][] = [
    ['bash', 'while :; do echo yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy; done\n'],
    ['python', 'while True:\n    print("y" * 31)\n'],
  ];

  test.each(floods)('%s', async (language, flood) => {
    const definition = byLanguage(language);
    const answer = await run(definition, 'output flood', { ...mainFile(definition, flood), limits: { outputBytes: OUTPUT_BYTES } });
    expectStatus(answer, 'output_limit');
    expect(answer.stdoutTruncated).toBe(true);
    expect(Buffer.byteLength(answer.stdout)).toBeGreaterThan(0);
    expect(Buffer.byteLength(answer.stdout)).toBeLessThanOrEqual(OUTPUT_BYTES);
    expect(answer.stdout).toMatch(/^(y{31}\n)*y*$/);
  });
});
