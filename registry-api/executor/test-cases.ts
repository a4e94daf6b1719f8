/**
 * The `tests` of a `POST /v1/run` body, checked against the operator's configuration like the run's
 * own stdin, args and limits (run-input.ts), before any worker is leased; and what the proxy is sent
 * of them. Names, expected outputs and the comparison stay here: the verdicts are the API's.
 */

import { CoderingError } from '../../errors';
import type { CoderingConfig } from '../config';
import { DEFAULT_COMPARE_MODE, type CompareMode, type RunInput } from '../contract';
import type { WorkerCase } from '../platform';
import { checkArgs, checkLimits, checkStdin, type CheckedRun, type RunSizeConfig } from './run-input';

/**
 * The cases' stdout and stderr together, at most: a batch's answer must fit what a worker may answer
 * (base64 in one frame, 64 MiB on the local platform; a Nuclio function's body, 16 MiB by default).
 */
export const MAX_TESTS_OUTPUT_BYTES = 8 * 1024 * 1024;

export interface CheckedTests {
  /** What the proxy runs, in order. */
  cases: WorkerCase[];
  names: string[];
  expected: (string | undefined)[];
  compare: CompareMode;
}

type TestsConfig = RunSizeConfig & Pick<CoderingConfig, 'maxTestCases'>;

/** Undefined without `tests`; each case gets the run's stdin, args and limits unless it sets its own. */
export function checkTestCases(input: RunInput, run: CheckedRun, config: TestsConfig): CheckedTests | undefined {
  const tests = input.tests;
  if (tests === undefined) return undefined;
  if (tests.length > config.maxTestCases) {
    throw new CoderingError('too_many_test_cases', `at most ${config.maxTestCases} test cases are allowed, got ${tests.length}`, {
      field: 'tests',
      maximum: config.maxTestCases,
      count: tests.length,
    });
  }
  const cases = tests.map((test, index): WorkerCase => {
    const at = `tests/${index}/`;
    return {
      stdin: checkStdin(test.stdin ?? run.stdin, at, config),
      args: checkArgs(test.args ?? run.args, at, config),
      limits: checkLimits(test.limits ?? {}, pickCaseLimits(run.limits), at, config),
    };
  });
  shareWallTime(
    cases.filter((_, index) => tests[index]?.limits?.wallMs === undefined && input.limits?.wallMs === undefined),
    cases,
    config.maxLimits.wallMs,
  );
  // The whole batch takes at most what one run may (compile, then the longest wall time): what the
  // workers' deadlines and a Nuclio function's event timeout are made for.
  const wallMs = cases.reduce((sum, testCase) => sum + testCase.limits.wallMs, 0);
  if (wallMs > config.maxLimits.wallMs) {
    throw new CoderingError(
      'limit_exceeds_maximum',
      `the test cases' wallMs add up to ${wallMs} ms, above the ${config.maxLimits.wallMs} ms a judged run may take: lower limits.wallMs (or the cases' own)`,
      { field: 'tests', limit: 'wallMs', maximum: config.maxLimits.wallMs, value: wallMs },
    );
  }
  const outputBytes = cases.reduce((sum, testCase) => sum + testCase.limits.outputBytes, 0);
  if (outputBytes > MAX_TESTS_OUTPUT_BYTES) {
    throw new CoderingError(
      'limit_exceeds_maximum',
      `the test cases' outputBytes add up to ${outputBytes}, above the ${MAX_TESTS_OUTPUT_BYTES} bytes a judged run may answer: lower limits.outputBytes (or the cases' own)`,
      { field: 'tests', limit: 'outputBytes', maximum: MAX_TESTS_OUTPUT_BYTES, value: outputBytes },
    );
  }
  return {
    cases,
    names: tests.map((test, index) => test.name ?? `test ${index + 1}`),
    expected: tests.map((test) => test.expectedStdout),
    compare: input.compare ?? DEFAULT_COMPARE_MODE,
  };
}

/**
 * The cases that name no wall time (neither their own nor the run's) share what the others leave of
 * the batch's budget, evenly, each at most the default: 64 cases of a plain request fit (20 s / 64 ≈
 * 312 ms each by default), where the default 5 s each would refuse any batch of more than 4. A case
 * that needs more says so; the sum is still checked after.
 */
function shareWallTime(unnamed: WorkerCase[], cases: WorkerCase[], budgetMs: number): void {
  if (unnamed.length === 0) return;
  const named = cases.filter((testCase) => !unnamed.includes(testCase)).reduce((sum, testCase) => sum + testCase.limits.wallMs, 0);
  const share = Math.floor((budgetMs - named) / unnamed.length);
  // nothing left to share: the sum check below refuses the batch and names the budget
  if (share < 1) return;
  for (const testCase of unnamed) testCase.limits.wallMs = Math.min(testCase.limits.wallMs, share);
}

function pickCaseLimits(limits: CheckedRun['limits']): WorkerCase['limits'] {
  const { wallMs, cpuMs, memoryBytes, outputBytes, processes } = limits;
  return { wallMs, cpuMs, memoryBytes, outputBytes, processes };
}
