/**
 * One attempt of a run: the executor's entry to the race (race.ts), which leases up to two workers,
 * keeps the first well-formed answer and cancels the rest.
 */

import type { RaceMode } from '../config';
import type { Platform, WorkerRequest } from '../platform';
import { Race, type AttemptOptions, type AttemptResult, type WinningResult } from './race';

export type { AttemptOptions, AttemptResult, RaceMode, WinningResult };

export function raceAttempt(
  platform: Platform,
  image: string,
  request: WorkerRequest,
  options: AttemptOptions,
): Promise<AttemptResult> {
  return new Race(platform, image, request, options).run();
}
