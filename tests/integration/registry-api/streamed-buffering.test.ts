/**
 * A streamed run shows a student's plain program as a terminal would: lines printed 300 ms apart with
 * the language's ordinary print (no flush) arrive 300 ms apart, in every language of the catalogue,
 * where a pipe would have held them until the program ended (python, ruby, C and C++ buffer a pipe
 * whole). And an interactive program's prompt, written without a newline before it reads, reaches the
 * client before the client answers it.
 *
 * And a compiler's output streams too, before the program's, each chunk saying whose it is.
 *
 * One warm worker per language (its newest version), over a real socket, on the real engine.
 */

import { openRunSocket, postEventStream, startLiveApi, type Arrival, type LiveApi } from '../support';

jest.setTimeout(20 * 60_000);

interface PlainProgram {
  spec: string;
  main: string;
  /** Prints `line 0`, `line 1`, `line 2`, 300 ms apart, the way a student would: no flush. */
  content: string;
}

const LINES = 'line 0\nline 1\nline 2\n';

const PROGRAMS: PlainProgram[] = [
  { spec: 'python@latest', main: 'main.py', content: 'import time\nfor i in range(3):\n    print(f"line {i}")\n    time.sleep(0.3)\n' },
  { spec: 'ruby@latest', main: 'main.rb', content: '3.times do |i|\n  puts "line #{i}"\n  sleep 0.3\nend\n' },
  { spec: 'c@latest', main: 'main.c', content: '#include <stdio.h>\n#include <unistd.h>\nint main(void) {\n  for (int i = 0; i < 3; i++) {\n    printf("line %d\\n", i);\n    usleep(300000);\n  }\n  return 0;\n}\n' },
  {
    spec: 'cpp@latest',
    main: 'main.cpp',
    content: '#include <iostream>\n#include <unistd.h>\nint main() {\n  for (int i = 0; i < 3; i++) {\n    std::cout << "line " << i << "\\n";\n    usleep(300000);\n  }\n}\n',
  },
  { spec: 'node@latest', main: 'main.js', content: 'let i = 0;\nconst tick = () => {\n  console.log(`line ${i}`);\n  if (++i < 3) setTimeout(tick, 300);\n};\ntick();\n' },
  { spec: 'php@latest', main: 'main.php', content: '<?php\nfor ($i = 0; $i < 3; $i++) {\n    echo "line $i\\n";\n    usleep(300000);\n}\n' },
  { spec: 'bash@latest', main: 'main.sh', content: 'for i in 0 1 2; do\n  echo "line $i"\n  sleep 0.3\ndone\n' },
  { spec: 'go@latest', main: 'main.go', content: 'package main\n\nimport (\n\t"fmt"\n\t"time"\n)\n\nfunc main() {\n\tfor i := 0; i < 3; i++ {\n\t\tfmt.Printf("line %d\\n", i)\n\t\ttime.Sleep(300 * time.Millisecond)\n\t}\n}\n' },
  {
    spec: 'java@latest',
    main: 'Main.java',
    content: 'public class Main {\n  public static void main(String[] args) throws Exception {\n    for (int i = 0; i < 3; i++) {\n      System.out.println("line " + i);\n      Thread.sleep(300);\n    }\n  }\n}\n',
  },
  { spec: 'rust@latest', main: 'main.rs', content: 'fn main() {\n    for i in 0..3 {\n        println!("line {}", i);\n        std::thread::sleep(std::time::Duration::from_millis(300));\n    }\n}\n' },
];

let api: LiveApi;

beforeAll(async () => {
  api = await startLiveApi({ runtimes: PROGRAMS.map((program) => program.spec), warmFloor: 1 });
});
afterAll(async () => api?.close());

/** When each whole line had arrived: the stdout events' text, accumulated, first holding it. */
function lineArrivals(arrivals: Arrival[]): number[] {
  let text = '';
  const times: number[] = [];
  for (const arrival of arrivals) {
    if (arrival.type !== 'stdout') continue;
    text += String(arrival.data.data);
    while (times.length < 3 && text.includes(`line ${times.length}\n`)) times.push(arrival.at);
  }
  return times;
}

test.each(PROGRAMS)('$spec: a plain print loop streams line by line, as a terminal shows it', async (program) => {
  const run = await postEventStream(api.base, { runtime: program.spec, files: [{ name: program.main, content: program.content }], limits: { wallMs: 10_000 } });
  expect(run.status).toBe(200);
  const events = await run.done;
  const result = events.at(-1) as Arrival;
  expect(result.type).toBe('result');
  expect(result.data).toMatchObject({ status: 'ok', stdout: LINES });
  const times = lineArrivals(events);
  expect(times).toHaveLength(3);
  // each line came about 300 ms after the one before (a buffered pipe gives all three at the end, ~0 ms apart)
  for (const [index, at] of times.slice(1).entries()) expect(at - (times[index] as number)).toBeGreaterThan(150);
  expect(result.at - (times[0] as number)).toBeGreaterThan(400);
});

const PROMPTS: PlainProgram[] = [
  { spec: 'python@latest', main: 'main.py', content: 'name = input("name? ")\nprint(f"hello {name}")\n' },
  { spec: 'ruby@latest', main: 'main.rb', content: 'print "name? "\nname = gets.strip\nputs "hello #{name}"\n' },
  { spec: 'c@latest', main: 'main.c', content: '#include <stdio.h>\nint main(void) {\n  char name[64];\n  printf("name? ");\n  if (scanf("%63s", name) != 1) return 1;\n  printf("hello %s\\n", name);\n  return 0;\n}\n' },
  {
    spec: 'cpp@latest',
    main: 'main.cpp',
    content: '#include <iostream>\n#include <string>\nint main() {\n  std::string name;\n  std::cout << "name? ";\n  std::cin >> name;\n  std::cout << "hello " << name << "\\n";\n}\n',
  },
];

test.each(PROMPTS)('$spec: an interactive prompt without a newline arrives before the program reads the answer', async (program) => {
  const session = await openRunSocket(api.base);
  session.send({ runtime: program.spec, files: [{ name: program.main, content: program.content }], limits: { wallMs: 10_000 } });
  // nothing is sent before the prompt came: a buffered prompt would never come, and this would time out
  const prompt = await session.next((message) => message.type === 'stdout', 8_000);
  expect(prompt.data.data).toBe('name? ');
  session.send({ type: 'stdin', data: 'ada\n' });
  expect(await session.closed).toEqual([1000, 'done']);
  expect((session.messages.at(-1) as Arrival).data.result).toMatchObject({ status: 'ok', stdout: 'name? hello ada\n' });
});

test("a compiler's warnings stream as it writes them, said to be the compiler's, before the program's output", async () => {
  const run = await postEventStream(api.base, {
    runtime: 'c@latest',
    files: [{ name: 'main.c', content: '#include <stdio.h>\n#warning "remember to free"\nint main(void) {\n  puts("ran");\n  return 0;\n}\n' }],
  });
  const events = await run.done;
  const outputs = events.filter((event) => event.type === 'stdout' || event.type === 'stderr');
  const compiler = outputs.filter((event) => event.data.phase === 'compile');
  expect(compiler.map((event) => event.type)).toContain('stderr');
  expect(compiler.map((event) => String(event.data.data)).join('')).toMatch(/main\.c:2:2: warning: #warning "remember to free"/);
  // all of the compiler's first, then the program's
  expect(outputs.map((event) => event.data.phase)).toEqual([...compiler.map(() => 'compile'), 'run']);
  expect(outputs.at(-1)?.data).toMatchObject({ data: 'ran\n', phase: 'run' });
  const result = events.at(-1) as Arrival;
  expect(result.data).toMatchObject({ status: 'ok', stdout: 'ran\n', compile: { exitCode: 0, stderr: expect.stringContaining('remember to free') } });
});
