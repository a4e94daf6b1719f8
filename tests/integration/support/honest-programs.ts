/**
 * Honest programs that show what a tenant can see of the state an earlier one could leave: each prints
 * `honest`, then `security/fixtures/inspect-state.sh`'s listing of every writable path, IPC object and
 * process. Two workers in the same state print the same text, so a worker used after an attack must
 * print what a fresh one prints (the local platform's clean-worker tests, the Nuclio harness's).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { SourceFile } from '../../../registry-api/platform';

/** A file of tests/integration/security/fixtures (attacks, and the inspection). */
export const securityFixture = (name: string): string => readFileSync(path.join(__dirname, '..', 'security', 'fixtures', name), 'utf8');

/** The inspection every honest program runs from the workdir. */
export const INSPECT: SourceFile = { name: 'inspect-state.sh', content: securityFixture('inspect-state.sh') };

/** Per runtime: the file an attack or honest program goes in, and an honest program. */
export interface HonestProgram {
  spec: string;
  main: string;
  /** Prints `honest`, then the inspection's listing; the same text on a fresh worker. */
  files: SourceFile[];
}

export const HONEST: Record<'python' | 'node' | 'ruby' | 'php' | 'c', HonestProgram> = {
  python: {
    spec: 'python@3.11',
    main: 'main.py',
    files: [{ name: 'main.py', content: 'import subprocess\nprint("honest")\nprint(subprocess.run(["sh", "inspect-state.sh"], capture_output=True, text=True).stdout, end="")\n' }],
  },
  node: {
    spec: 'node@latest',
    main: 'main.js',
    files: [
      {
        name: 'main.js',
        content:
          "let planted = 'absent';\ntry { require('planted'); planted = 'loaded'; } catch { /* as on a fresh worker */ }\n" +
          "console.log('honest', planted);\nprocess.stdout.write(require('child_process').execFileSync('sh', ['inspect-state.sh']).toString());\n",
      },
    ],
  },
  ruby: {
    spec: 'ruby@latest',
    main: 'main.rb',
    files: [{ name: 'main.rb', content: "require 'set'\nputs 'honest'\nprint `sh inspect-state.sh`\n" }],
  },
  php: {
    spec: 'php@latest',
    main: 'main.php',
    files: [{ name: 'main.php', content: "<?php\necho \"honest\\n\";\necho shell_exec('sh inspect-state.sh');\n" }],
  },
  c: {
    spec: 'c@latest',
    main: 'main.c',
    // two files, as students write them: the compile must succeed whatever the last tenant left
    files: [
      { name: 'main.c', content: '#include <stdio.h>\n#include <stdlib.h>\n#include "greet.h"\nint main(void) {\n  greet();\n  fflush(stdout);\n  return system("sh inspect-state.sh");\n}\n' },
      { name: 'greet.h', content: 'void greet(void);\n' },
      { name: 'greet.c', content: '#include <stdio.h>\n#include "greet.h"\nvoid greet(void) { puts("honest"); }\n' },
    ],
  },
};
export type HonestRuntime = keyof typeof HONEST;
