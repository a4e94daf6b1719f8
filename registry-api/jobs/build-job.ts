/** A request to build an image, as stored and as answered by `/v1/images/jobs/:id`. */

import type { BuildProgress } from '../../factory/builder';

export type JobState = 'queued' | 'building' | 'succeeded' | 'failed';

export const JOB_STATES: readonly JobState[] = ['queued', 'building', 'succeeded', 'failed'];

export interface JobImage {
  runtimeId: string;
  reference: string;
  digest: string | null;
  cached: boolean;
  libraries: string[];
}

export interface JobError {
  code: string;
  message: string;
  details: Record<string, unknown>;
}

export interface BuildJob {
  id: string;
  state: JobState;
  /** What was asked (`python@^3`), and what it resolved to (`python@3.13.5`). */
  runtime: string;
  runtimeId: string;
  libraries: string[];
  /** Canonical runtime + libraries: one active job per key. */
  key: string;
  progress: BuildProgress | null;
  image: JobImage | null;
  error: JobError | null;
  /** Times the build was started (a restart resumes an interrupted job, boundedly). */
  attempts: number;
  createdAt: string;
  updatedAt: string;
}

export function isFinished(job: Pick<BuildJob, 'state'>): boolean {
  return job.state === 'succeeded' || job.state === 'failed';
}
