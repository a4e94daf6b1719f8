/**
 * The answer's `cases` and `summary` for a judged run: each case's outcome from the winning worker,
 * with its verdict (verdict.ts). A compile error ran no case: every one counts as not passed.
 */

import { CoderingError } from '../../errors';
import { CASE_STATUSES, type CaseAnswer, type CaseStatus, type RunResponse } from '../contract';
import type { ProxyCaseResult } from '../platform';
import type { CheckedTests } from './test-cases';
import { verdictOf } from './verdict';

/** The statuses a case can say; the others would only be a worker's failure, or our cancel. */
const CASE_STATUS_SET: ReadonlySet<string> = new Set(CASE_STATUSES);

/** The fields of a proxy's result the answer gives as they are: a run's, and each test case's. */
export function programOutputs(result: ProxyCaseResult): Pick<CaseAnswer, 'stdout' | 'stderr' | 'exitCode' | 'signal' | 'stdoutTruncated' | 'stderrTruncated'> {
  const { stdout, stderr, exitCode, signal, stdoutTruncated, stderrTruncated } = result;
  return { stdout, stderr, exitCode, signal, stdoutTruncated, stderrTruncated };
}

export interface JudgedCases {
  cases: CaseAnswer[];
  summary: NonNullable<RunResponse['summary']>;
}

/**
 * `results` are the proxy's, one per case, when the batch ran (top-level `ok`), else undefined. A batch
 * that ran but did not answer every case is a worker that does not know test cases (an older image).
 */
export function judgeCases(tests: CheckedTests, ran: boolean, results: ProxyCaseResult[] | undefined, runtimeId: string): JudgedCases {
  const total = tests.cases.length;
  if (!ran) return { cases: [], summary: { passed: 0, failed: total, total } };
  if (results === undefined || results.length !== total || results.some((result) => !CASE_STATUS_SET.has(result.status))) {
    throw new CoderingError(
      'workers_failed',
      `the worker of ${runtimeId} answered ${results?.length ?? 'no'} test case results for ${total} cases: its image may predate test cases`,
      { runtime: runtimeId, cases: total, answered: results?.length ?? null },
    );
  }
  const cases = results.map((result, index): CaseAnswer => {
    const status = result.status as CaseStatus;
    return {
      name: tests.names[index] as string,
      verdict: verdictOf(status, result.stdout, tests.expected[index], tests.compare),
      status,
      ...programOutputs(result),
      timings: { runMs: result.wallMs },
      usage: { cpuMs: result.cpuMs, memoryBytes: result.memoryBytes },
    };
  });
  const passed = cases.filter((answer) => answer.verdict === 'passed').length;
  return { cases, summary: { passed, failed: total - passed, total } };
}
