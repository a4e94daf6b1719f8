import { Type, type Static } from '@sinclair/typebox';
import { RACE_MODES } from '../config';
import { COMPARE_MODES, DEFAULT_COMPARE_MODE } from './compare-modes';
import { librariesSchema, runtimeSpecSchema } from './request-fields';
import { stringEnum } from './string-enum';

const limitValue = Type.Integer({ minimum: 1 });

const limitsSchema = (description: string) =>
  Type.Object(
    {
      wallMs: Type.Optional(Type.Integer({ minimum: 1, description: 'Wall time of the run, at most CODERING_MAX_WALL_MS' })),
      cpuMs: Type.Optional(Type.Integer({ minimum: 1, description: 'CPU time, at most CODERING_MAX_CPU_MS' })),
      memoryBytes: Type.Optional(limitValue),
      outputBytes: Type.Optional(Type.Integer({ minimum: 1, description: 'stdout and stderr kept, together' })),
      processes: Type.Optional(limitValue),
    },
    { additionalProperties: false, description },
  );

/** One test case: the program, compiled once, run with this stdin and these args, its stdout compared. */
const testCaseSchema = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'Shown in the answer; default `test <n>`, from 1' })),
    stdin: Type.Optional(Type.String({ description: "The case's stdin; default: the run's `stdin`" })),
    args: Type.Optional(Type.Array(Type.String(), { description: "The case's args; default: the run's `args`" })),
    expectedStdout: Type.Optional(
      Type.String({ description: 'What stdout must be for `passed`, compared as `compare` says; without it, a case that ends `ok` passes' }),
    ),
    limits: Type.Optional(limitsSchema("This case's own limits, over the run's (`limits`)")),
  },
  { additionalProperties: false },
);

/** A judged run that succeeds as written, for the published document (python@3 is a default runtime). */
const JUDGED_EXAMPLE = {
  runtime: 'python@3',
  files: [{ name: 'main.py', content: 'a, b = map(int, input().split())\nprint(a + b)\n' }],
  limits: { wallMs: 2000 },
  tests: [
    { name: 'small', stdin: '1 2\n', expectedStdout: '3\n' },
    { name: 'negative', stdin: '-5 3\n', expectedStdout: '-2' },
    { name: 'large', stdin: '1000000000 1000000000\n', expectedStdout: '2000000000\n', limits: { wallMs: 1000 } },
  ],
  compare: 'trim',
};

/** `POST /v1/run`. Sizes that depend on the operator's configuration are the executor's to check. */
export const runRequestSchema = Type.Object(
  {
    runtime: Type.Optional(runtimeSpecSchema),
    image: Type.Optional(Type.String({ minLength: 1, maxLength: 512, description: 'A reference built by a build job' })),
    files: Type.Array(
      Type.Object({ name: Type.String({ maxLength: 1024 }), content: Type.String() }, { additionalProperties: false }),
      { minItems: 1 },
    ),
    main: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
    stdin: Type.Optional(Type.String()),
    args: Type.Optional(Type.Array(Type.String())),
    limits: Type.Optional(limitsSchema("The run's limits (each test case's, unless it sets its own)")),
    libraries: Type.Optional(librariesSchema),
    mode: Type.Optional(stringEnum(RACE_MODES)),
    tests: Type.Optional(
      Type.Array(testCaseSchema, {
        minItems: 1,
        description:
          'Test cases: the program is compiled once, then run once per case on the same worker, each from the files as ' +
          'compile left them (nothing a case leaves reaches the next). At most CODERING_MAX_TEST_CASES (64 by default), ' +
          'more is `400 too_many_test_cases`; their `wallMs` together at most CODERING_MAX_WALL_MS (20000 by default): cases ' +
          "that name no `wallMs` (neither their own nor the run's) share what the others leave of it evenly, each at most " +
          'CODERING_DEFAULT_WALL_MS (5000 by default). ' +
          'The answer then has `cases` and `summary`.',
      }),
    ),
    compare: Type.Optional(
      stringEnum(COMPARE_MODES, {
        default: DEFAULT_COMPARE_MODE,
        description:
          "How each case's stdout meets its `expectedStdout`: `exact` byte for byte; `trim` ignores each line's trailing " +
          'whitespace and the trailing blank lines; `tokens` compares the whitespace-separated words',
      }),
    ),
  },
  { additionalProperties: false, examples: [JUDGED_EXAMPLE] },
);

export type RunInput = Static<typeof runRequestSchema>;
