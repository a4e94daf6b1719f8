export { Executor, type ExecutorOptions, type RunContext, type ExecutorLog } from './executor';
export { raceAttempt, type AttemptOptions, type AttemptResult, type WinningResult } from './race-attempt';
export { AttemptFailed, RunAborted } from './race-errors';
export { LatencyWindow } from './latency-window';
export { checkRunInput, type UserLimits, type CheckedRun } from './run-input';
export { fileNameProblem, MAX_FILE_NAME_BYTES } from './file-name';
