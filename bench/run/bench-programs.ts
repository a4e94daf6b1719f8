/**
 * What every section runs: the same two programs per runtime, so that the floor, our API and the
 * peers' model are compared on identical work. Both are as small as a program gets, on purpose: the
 * bench measures what it costs to *start* a run, not what the program computes.
 */

export type BenchLanguage = 'python' | 'node' | 'php';
export type ProgramName = 'hello' | 'echo';

export const BENCH_LANGUAGES: readonly BenchLanguage[] = ['python', 'node', 'php'];
export const PROGRAM_NAMES: readonly ProgramName[] = ['hello', 'echo'];

/**
 * What one run sends and what it must print, whichever way it is run (our API, a `docker run --once`):
 * a bench program below, or a runtime's catalogue smoke test (bench/catalogue).
 */
export interface RunCase {
  /** How an error names it: `python/hello`, `rust@1.85.1 smoke`. */
  label: string;
  files: { name: string; content: string }[];
  /** The main file's name, as the catalogue's runtime expects it. */
  main: string;
  stdin: string;
  args: string[];
  /** What a correct run prints: every answer is checked, a fast wrong answer counts as an error. */
  expectedStdout: string;
}

export interface BenchProgram extends RunCase {
  language: BenchLanguage;
  name: ProgramName;
  source: string;
}

const ECHO_INPUT = 'the quick brown fox\njumps over the lazy dog\n';

const SOURCES: Record<BenchLanguage, { main: string; hello: string; echo: string }> = {
  python: {
    main: 'main.py',
    hello: 'print("hello world")\n',
    echo: 'import sys\nsys.stdout.write(sys.stdin.read())\n',
  },
  node: {
    main: 'main.js',
    hello: "console.log('hello world');\n",
    echo: "const fs = require('fs');\nfs.writeSync(1, fs.readFileSync(0));\n",
  },
  php: {
    main: 'main.php',
    hello: '<?php\necho "hello world\\n";\n',
    echo: '<?php\necho stream_get_contents(STDIN);\n',
  },
};

export function benchProgram(language: BenchLanguage, name: ProgramName): BenchProgram {
  const sources = SOURCES[language];
  const isEcho = name === 'echo';
  return {
    label: `${language}/${name}`,
    language,
    name,
    files: [{ name: sources.main, content: sources[name] }],
    main: sources.main,
    source: sources[name],
    stdin: isEcho ? ECHO_INPUT : '',
    args: [],
    expectedStdout: isEcho ? ECHO_INPUT : 'hello world\n',
  };
}
