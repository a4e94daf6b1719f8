/**
 * Java runs the class a student wrote, whatever its name: the main file's public class, or its class
 * with `public static void main(String[] args)`, in a package or not, as other judges accept it. A
 * file with no main method is a compile_error that says so. Every java version of the catalogue,
 * through the real API, engine and images.
 */
import { everyVersion, loadCatalogue } from '../../../factory/catalogue';
import type { SourceFile } from '../../../registry-api/platform';
import { startLiveApi, type LiveApi, type RunBody } from '../support';

jest.setTimeout(30 * 60_000);

const file = (name: string, ...lines: string[]): SourceFile => ({ name, content: `${lines.join('\n')}\n` });

const javaVersions = everyVersion(loadCatalogue()).filter(({ definition }) => definition.language === 'java');

let api: LiveApi;

beforeAll(async () => {
  api = await startLiveApi({ runtimes: javaVersions.map(({ spec }) => spec), warmFloor: 1 });
});

afterAll(async () => {
  await api?.close();
});

async function run(spec: string, body: Record<string, unknown>): Promise<RunBody> {
  const { status, body: answer } = await api.run({ runtime: spec, mode: 'single', ...body });
  if (status !== 200) throw new Error(`HTTP ${status}: ${JSON.stringify(answer)}`);
  return answer;
}

test('the catalogue has java 11, 17 and 21', () => {
  expect(javaVersions.map(({ spec }) => spec.replace(/\.\d+\.\d+$/, ''))).toEqual(['java@21', 'java@17', 'java@11']);
});

/** A program that must run, and what it prints. */
interface RunsCase {
  name: string;
  files: SourceFile[];
  main?: string;
  args?: string[];
  stdin?: string;
  stdout: string;
}

const RUNS: RunsCase[] = [
  {
    name: 'Main.java whose public class is Solution runs Solution, with args and stdin',
    files: [
      file(
        'Main.java',
        'import java.util.Scanner;',
        '',
        'public class Solution {',
        '    public static void main(String[] args) {',
        '        System.out.println(String.join("|", args) + " " + new Scanner(System.in).nextInt() * 2);',
        '    }',
        '}',
      ),
    ],
    args: ['a', 'b c'],
    stdin: '21\n',
    stdout: 'a|b c 42\n',
  },
  {
    name: 'a file without a public class runs the one of its classes with a main method',
    files: [
      file('Main.java', 'class Helper {', '    static int twice(int x) { return 2 * x; }', '}', '', 'class Program {', '    public static void main(String... args) {', '        System.out.println("program " + Helper.twice(21));', '    }', '}'),
    ],
    stdout: 'program 42\n',
  },
  {
    name: 'a package declaration: the class runs by its full name',
    files: [
      file(
        'Main.java',
        'package com.example.app;',
        '',
        '/* public class Decoy { public static void main(String[] args) {} } */',
        'public class Solution {',
        '    public static void main(String[] args) {',
        '        System.out.println("in " + Solution.class.getName());',
        '    }',
        '}',
      ),
    ],
    stdout: 'in com.example.app.Solution\n',
  },
  {
    name: 'comments, strings, annotations, generics and nested classes do not mislead it',
    files: [
      file(
        'Main.java',
        '// public class Decoy { public static void main(String[] args) {} }',
        'import java.util.function.Supplier;',
        '',
        '@SuppressWarnings("unused")',
        'final class Util {',
        '    static String s = "public class Nope { public static void main(String[] a) {} }";',
        "    static char quote = '\"', escaped = '\\'';",
        '}',
        '',
        '/** The program. {@code public class Javadoc} */',
        'public class Answer<T> implements Runnable {',
        '    public void run() {}',
        '    static class Inner { public static void main(String[] args) { System.out.println("inner"); } }',
        '    public static void main(final String args[]) {',
        '        Supplier<String> s = () -> "{";',
        '        System.out.println("answer " + s.get() + Util.s.length());',
        '    }',
        '}',
      ),
    ],
    stdout: 'answer {60\n',
  },
  {
    name: 'the main field names the file: its class runs, not Main',
    files: [
      file('App.java', 'public class App {', '    public static void main(String[] args) {', '        System.out.println(Greeter.greet());', '    }', '}'),
      file('Greeter.java', 'public class Greeter {', '    static String greet() { return "hello from App"; }', '}'),
      file('Main.java', 'public class Main {', '    public static void main(String[] args) {', '        System.out.println("not me");', '    }', '}'),
    ],
    main: 'App.java',
    stdout: 'hello from App\n',
  },
  {
    name: 'a main file named otherwise than its public class',
    files: [file('program.java', 'public class Solution {', '    public static void main(String[] args) {', '        System.out.println("solution");', '    }', '}')],
    main: 'program.java',
    stdout: 'solution\n',
  },
];

describe.each(javaVersions.map(({ spec }) => [spec] as const))('%s', (spec) => {
  test.each(RUNS.map((runsCase) => [runsCase.name, runsCase] as const))('%s', async (_name, { files, main, args, stdin, stdout }) => {
    const answer = await run(spec, { files, main, args, stdin });
    expect(answer).toMatchObject({ status: 'ok', exitCode: 0, stdout, stderr: '', compile: { exitCode: 0 } });
  });

  test("javac's errors name the main file, even when its class is named otherwise", async () => {
    const answer = await run(spec, {
      files: [file('Main.java', 'public class Solution {', '    public static void main(String[] args) {', '        int x = "text";', '    }', '}')],
    });
    expect(answer).toMatchObject({ status: 'compile_error', exitCode: null });
    expect(answer.compile?.stderr).toMatch(/^Main\.java:3: error: incompatible types: String cannot be converted to int\n/);
    expect(answer.compile?.stderr).not.toContain('/tmp');
  });

  test('a file with no main method is a compile_error that says so', async () => {
    const answer = await run(spec, {
      files: [file('Main.java', 'public class Solution {', '    static int helper() { return 1; }', '}')],
    });
    expect(answer).toMatchObject({ status: 'compile_error', exitCode: null, stdout: '' });
    expect(answer.compile?.stderr).toBe('Main.java has no main method to run: declare one in its class, public static void main(String[] args)\n');
  });
});
