export { BuildJobs, type BuildJobsOptions } from './build-jobs';
export type { BuildTarget } from './build-target';
export { BuildQueue } from './build-queue';
export { JobStore, DATABASE_FILE } from './job-store';
export { DataDirLock, LOCK_FILE } from './data-dir-lock';
export { JOB_STATES, isFinished, type BuildJob, type JobError, type JobImage, type JobState } from './build-job';
