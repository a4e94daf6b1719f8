/**
 * One round of the judge bench for one language: the same 20 test cases sent as one judged request
 * (`tests`), then as 20 separate `POST /v1/run` one after the other (the baseline: a client that
 * judges by running each case), then as 20 separate runs 4 at a time. Every answer is checked: a
 * wrong verdict or output is an error of the bench, not a sample.
 */

import { performance } from 'node:perf_hooks';
import type { RunResponse } from '../../registry-api/contract';
import { postJson } from '../run/run-client';
import { CASE_WALL_MS, JUDGE_CASES, JUDGE_PROGRAMS, type JudgeLanguage } from './judge-programs';

export interface JudgeRound {
  language: JudgeLanguage;
  /** One judged request with every case: the client's time. */
  judgedMs: number;
  /** Its compile and its cases' run times, as the API reports them. */
  compileMs: number;
  casesRunMs: number;
  /** Every case as its own run, one after the other: the baseline. */
  separateMs: number;
  /** Every case as its own run, 4 in flight. */
  separateParallelMs: number;
}

const PARALLEL = 4;

function runtimeOf(language: JudgeLanguage): string {
  return `${language}@latest`;
}

async function post(baseUrl: string, body: object): Promise<RunResponse> {
  const { status, text } = await postJson(`${baseUrl}/v1/run`, body);
  if (status !== 200) throw new Error(`HTTP ${status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as RunResponse;
}

export async function judgedRequest(baseUrl: string, language: JudgeLanguage): Promise<Pick<JudgeRound, 'judgedMs' | 'compileMs' | 'casesRunMs'>> {
  const program = JUDGE_PROGRAMS[language];
  const started = performance.now();
  const answer = await post(baseUrl, {
    runtime: runtimeOf(language),
    files: [{ name: program.main, content: program.source }],
    limits: { wallMs: CASE_WALL_MS },
    tests: JUDGE_CASES.map((testCase, index) => ({ name: `case ${index + 1}`, ...testCase })),
  });
  const judgedMs = performance.now() - started;
  if (answer.summary?.passed !== JUDGE_CASES.length) {
    const failed = (answer.cases ?? []).filter((c) => c.verdict !== 'passed').map((c) => `${c.name}: ${c.verdict} ${JSON.stringify(c.stdout)}`);
    throw new Error(`${language}: judged ${answer.status}, ${JSON.stringify(answer.summary)}: ${failed.slice(0, 3).join('; ')}`);
  }
  return { judgedMs, compileMs: answer.timings.compileMs, casesRunMs: answer.timings.runMs };
}

async function separateRun(baseUrl: string, language: JudgeLanguage, index: number): Promise<void> {
  const program = JUDGE_PROGRAMS[language];
  const testCase = JUDGE_CASES[index] as (typeof JUDGE_CASES)[number];
  const answer = await post(baseUrl, {
    runtime: runtimeOf(language),
    files: [{ name: program.main, content: program.source }],
    stdin: testCase.stdin,
    limits: { wallMs: CASE_WALL_MS },
  });
  if (answer.status !== 'ok' || answer.stdout !== testCase.expectedStdout) {
    throw new Error(`${language} case ${index + 1}: ${answer.status} ${JSON.stringify(answer.stdout)}, expected ${JSON.stringify(testCase.expectedStdout)}`);
  }
}

/** Every case as its own run, `inFlight` at a time; the client's time for all of them. */
export async function separateRuns(baseUrl: string, language: JudgeLanguage, inFlight: number): Promise<number> {
  const started = performance.now();
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < JUDGE_CASES.length) await separateRun(baseUrl, language, next++);
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  return performance.now() - started;
}

export async function judgeRound(baseUrl: string, language: JudgeLanguage): Promise<JudgeRound> {
  const judged = await judgedRequest(baseUrl, language);
  const separateMs = await separateRuns(baseUrl, language, 1);
  const separateParallelMs = await separateRuns(baseUrl, language, PARALLEL);
  return { language, ...judged, separateMs, separateParallelMs };
}

export { PARALLEL };
