/**
 * Every status a user can meet, acted out per language of the catalogue: its smoke program (from the
 * catalogue itself), then programs written here that end in a non-zero exit, a timeout, a compile
 * error, a memory bomb, an output flood, with what the answer must say. Shared by the API's catalogue
 * test (local platform) and the Nuclio harness's, so both platforms answer the same cases.
 */
import type { RuntimeDefinition } from '../../../factory/catalogue';
import type { RunLimits, SourceFile } from '../../../registry-api/platform';

/** Programs that fail on purpose, in each language. */
export interface FailingPrograms {
  /** Writes `boom` to stderr, then exits with code 3. */
  exitThree: string;
  /** Never ends on its own. */
  infiniteLoop: string;
  /** Compiled languages: does not compile (a syntax error). */
  syntaxError?: string;
}

export const FAILING_PROGRAMS: Record<string, FailingPrograms> = {
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

/** What the API's answer and the proxy's result both say about a run. */
export interface RunOutcome {
  status: string;
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  stdoutTruncated: boolean;
  compile?: { stdout: string; stderr: string; exitCode: number | null } | null;
}

/** One run of a program and what its answer must say. */
export interface StatusCase {
  /** The test's name. */
  title: string;
  /** A short name for timing tables: `smoke`, `exit 3`, … */
  label: string;
  files: SourceFile[];
  stdin?: string;
  args?: string[];
  /** Over the platform's defaults. */
  limits?: Partial<RunLimits>;
  /** The status first: a wrong one is explained by the whole answer (see `expectOutcome`). */
  status: string;
  check(outcome: RunOutcome): void;
}

const MiB = 1024 * 1024;
/** The wall limit of the infinite loops. */
export const LOOP_WALL_MS = 1000;
/** The output limit of the floods. */
export const FLOOD_OUTPUT_BYTES = 1000;

const mainFile = (definition: RuntimeDefinition, content: string): SourceFile[] => [{ name: definition.main, content }];

/** The smoke program, a non-zero exit, an infinite loop and (compiled languages) a syntax error. */
export function statusCases(definition: RuntimeDefinition): StatusCase[] {
  const programs = FAILING_PROGRAMS[definition.language];
  if (programs === undefined) throw new Error(`no failing programs for ${definition.language}: add them to FAILING_PROGRAMS`);
  const { smoke } = definition;
  const cases: StatusCase[] = [
    {
      title: 'runs its smoke program (main + helper, stdin, args) in the latest version',
      label: 'smoke',
      files: smoke.files,
      stdin: smoke.stdin,
      args: smoke.args,
      status: 'ok',
      check(outcome) {
        expect(smoke.files.length).toBeGreaterThanOrEqual(2);
        expect(outcome).toMatchObject({ stdout: smoke.expectedStdout, exitCode: 0, signal: null, stdoutTruncated: false });
        if (definition.compiled) expect(outcome.compile).toMatchObject({ exitCode: 0 });
      },
    },
    {
      title: 'a non-zero exit is a runtime_error with its code and stderr',
      label: 'exit 3',
      files: mainFile(definition, programs.exitThree),
      status: 'runtime_error',
      check(outcome) {
        expect(outcome).toMatchObject({ exitCode: 3, signal: null, stdout: '' });
        expect(outcome.stderr).toContain('boom');
      },
    },
    {
      title: 'an infinite loop is a timeout at limits.wallMs',
      label: 'infinite loop',
      files: mainFile(definition, programs.infiniteLoop),
      limits: { wallMs: LOOP_WALL_MS },
      status: 'timeout',
      check(outcome) {
        expect(outcome.exitCode).toBeNull();
      },
    },
  ];
  if (definition.compiled) {
    cases.push({
      title: 'a syntax error is a compile_error with the compiler message',
      label: 'syntax error',
      files: mainFile(definition, programs.syntaxError as string),
      status: 'compile_error',
      check(outcome) {
        expect(outcome).toMatchObject({ exitCode: null, stdout: '' });
        expect(outcome.compile?.exitCode).not.toBe(0);
        const message = `${outcome.compile?.stderr ?? ''}${outcome.compile?.stdout ?? ''}`;
        // The compiler's own words, naming the user's file.
        expect(message).toMatch(/error/i);
        expect(message).toContain(definition.main);
      },
    });
  }
  return cases;
}

/** Programs that take all the memory they can get, as a memory_limit. */
export const MEMORY_BOMBS: Record<'python' | 'c', string> = {
  python: 'hoard = []\nwhile True:\n    hoard.append(bytearray(16 * 1024 * 1024))\n',
  c:
    '#include <stdlib.h>\n#include <string.h>\n' +
    'int main(void) {\n  for (;;) {\n    char *block = malloc(16 << 20);\n    if (block == NULL) return 1;\n    memset(block, 1, 16 << 20);\n  }\n}\n',
};

/** A language's program in one of the tables below. */
function programIn(table: Record<string, string>, what: string, definition: RuntimeDefinition): string {
  const program = table[definition.language];
  if (program === undefined) throw new Error(`no ${what} in ${definition.language}`);
  return program;
}

export function memoryBombCase(definition: RuntimeDefinition): StatusCase {
  return {
    title: definition.language,
    label: 'memory bomb',
    files: mainFile(definition, programIn(MEMORY_BOMBS, 'memory bomb', definition)),
    limits: { memoryBytes: 64 * MiB, wallMs: 10_000 },
    status: 'memory_limit',
    check(outcome) {
      if (definition.language === 'python') expect(outcome.stdout).toBe('');
    },
  };
}

/** Programs that print without end, as an output_limit cut at FLOOD_OUTPUT_BYTES. */
export const OUTPUT_FLOODS: Record<'bash' | 'python', string> = {
  bash: 'while :; do echo yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy; done\n',
  python: 'while True:\n    print("y" * 31)\n',
};

export function outputFloodCase(definition: RuntimeDefinition): StatusCase {
  return {
    title: definition.language,
    label: 'output flood',
    files: mainFile(definition, programIn(OUTPUT_FLOODS, 'output flood', definition)),
    limits: { outputBytes: FLOOD_OUTPUT_BYTES },
    status: 'output_limit',
    check(outcome) {
      expect(outcome.stdoutTruncated).toBe(true);
      expect(Buffer.byteLength(outcome.stdout)).toBeGreaterThan(0);
      expect(Buffer.byteLength(outcome.stdout)).toBeLessThanOrEqual(FLOOD_OUTPUT_BYTES);
      expect(outcome.stdout).toMatch(/^(y{31}\n)*y*$/);
    },
  };
}

/** The answer minus the noise, for a failure's message. */
function shown(outcome: RunOutcome): string {
  const { status, exitCode, signal, stdout, stderr, compile, stdoutTruncated } = outcome;
  return JSON.stringify({ status, exitCode, signal, stdout: stdout.slice(0, 500), stderr: stderr.slice(0, 2000), compile, stdoutTruncated }, null, 1);
}

/** The case's status (a wrong one throws with the whole answer), then its checks. */
export function expectOutcome(outcome: RunOutcome, statusCase: StatusCase): void {
  if (outcome.status !== statusCase.status) throw new Error(`expected status ${statusCase.status}, got:\n${shown(outcome)}`);
  statusCase.check(outcome);
}
