export { Executor, type ExecutorOptions, type RunContext, type ExecutorLog } from './executor';
export { raceAttempt, type AttemptOptions, type AttemptResult, type WinningResult } from './race-attempt';
export { AttemptFailed, RunAborted } from './race-errors';
export { Race, RACE_TRANSITIONS, type RaceState } from './race';
export { RaceSlot, SLOT_TRANSITIONS, type SlotState, type SlotTiming } from './race-slot';
export { GuardedState, IllegalTransition, type Transitions } from './guarded-state';
export { LatencyWindow } from './latency-window';
export { checkRunInput, type UserLimits, type CheckedRun } from './run-input';
export { fileNameProblem, MAX_FILE_NAME_BYTES } from './file-name';
