import { Type, type Static } from '@sinclair/typebox';
import { RUN_STATUSES, type RunStatus } from '../../proxy';
import { RACE_MODES } from '../config';
import { stringEnum } from './string-enum';

/**
 * Statuses the proxy can say that never reach a client as a run's answer: the race never lets a
 * worker's `internal_error` (a failure of ours: fallback or retry, then `workers_failed`) or a
 * `cancelled` (the answer to our own cancel of a loser) win, and the executor turns `files_rejected`
 * into a 400 error. Publishing them would promise clients statuses they can never see.
 */
const NEVER_ANSWERED = ['internal_error', 'cancelled', 'files_rejected'] as const satisfies readonly RunStatus[];

export type AnsweredStatus = Exclude<RunStatus, (typeof NEVER_ANSWERED)[number]>;

const ANSWERED_STATUSES = RUN_STATUSES.filter(
  (status): status is AnsweredStatus => !(NEVER_ANSWERED as readonly RunStatus[]).includes(status),
);

const raceMode = stringEnum(RACE_MODES);
const nullableInteger = Type.Union([Type.Integer(), Type.Null()]);

/** What a program said and how it ended: a run's, and each test case's. */
const programOutputs = {
  stdout: Type.String(),
  stderr: Type.String(),
  exitCode: nullableInteger,
  signal: Type.Union([Type.String(), Type.Null()]),
  stdoutTruncated: Type.Boolean(),
  stderrTruncated: Type.Boolean(),
};

/** What a test case can end as: a run's statuses but `compile_error` (the batch compiles once, before any case). */
export type CaseStatus = Exclude<AnsweredStatus, 'compile_error'>;
export const CASE_STATUSES = ANSWERED_STATUSES.filter((status): status is CaseStatus => status !== 'compile_error');

/** `passed`, `failed` (it ended `ok`, its stdout is not the expected one), or the status it ended with. */
export type Verdict = 'passed' | 'failed' | Exclude<CaseStatus, 'ok'>;
export const VERDICTS: readonly Verdict[] = [
  'passed',
  'failed',
  ...CASE_STATUSES.filter((status): status is Exclude<CaseStatus, 'ok'> => status !== 'ok'),
];

const caseAnswerSchema = Type.Object({
  name: Type.String({ description: 'The name the case was given, else `test <n>` (from 1)' }),
  verdict: stringEnum(VERDICTS, {
    description: '`passed`; `failed`: it ended `ok` but its stdout is not the expected one; else the status it ended with',
  }),
  status: stringEnum(CASE_STATUSES),
  ...programOutputs,
  timings: Type.Object({ runMs: Type.Number({ description: "The case's wall time, its process's start included" }) }),
  usage: Type.Object({ cpuMs: Type.Number(), memoryBytes: Type.Number() }),
});

export type CaseAnswer = Static<typeof caseAnswerSchema>;

/** The answer to `POST /v1/run`: a program that fails is a 200 with its status, not an error. */
export const runResponseSchema = Type.Object({
  status: stringEnum(ANSWERED_STATUSES, {
    description: 'With `tests`: `ok` when the cases ran (each has its own status and verdict), `compile_error` when none could',
  }),
  ...programOutputs,
  compile: Type.Optional(Type.Object({ stdout: Type.String(), stderr: Type.String(), exitCode: nullableInteger })),
  timings: Type.Object({
    queueMs: Type.Number({ description: 'Wait for the winning worker, a cold start included' }),
    coldStart: Type.Boolean({ description: 'The winning worker was started for this run: its image had no free warm worker' }),
    coldStartMs: Type.Number({ description: "The winning worker's start, when `coldStart` (else 0)" }),
    compileMs: Type.Number({ description: 'The compile step, once (with `tests` too)' }),
    runMs: Type.Number({ description: 'The run; with `tests`, every case together' }),
    totalMs: Type.Number(),
  }),
  usage: Type.Object(
    { cpuMs: Type.Number(), memoryBytes: Type.Number() },
    { description: "The program's own CPU time and peak resident memory (the run step, not the compiler); with `tests`, all cases' CPU and the largest peak" },
  ),
  runtime: Type.Object({ id: Type.String(), image: Type.String(), digest: Type.Union([Type.String(), Type.Null()]) }),
  race: Type.Object(
    {
      mode: raceMode,
      requested: raceMode,
      workers: Type.Integer(),
      winner: Type.Unsafe<1 | 2>(Type.Integer({ enum: [1, 2] })),
      fallback: Type.Boolean(),
      retries: Type.Integer(),
    },
    { description: '`mode` is what ran, `requested` what was asked: a pair is hedged when the machine is busy' },
  ),
  cases: Type.Optional(
    Type.Array(caseAnswerSchema, {
      description: 'With `tests`: one answer per case, in order (none after a compile error); the run\'s own outputs are then empty',
    }),
  ),
  summary: Type.Optional(
    Type.Object(
      { passed: Type.Integer(), failed: Type.Integer(), total: Type.Integer() },
      { description: 'With `tests`: cases passed, and every other (wrong answer, timeout, crash, compile error)' },
    ),
  ),
});

export type RunResponse = Static<typeof runResponseSchema>;
