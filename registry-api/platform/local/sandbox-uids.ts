import { CoderingError } from '../../../errors';

/** The sandbox uids the base image declares for workers (60000-60063): one per live worker. */
export const FIRST_SANDBOX_UID = 60_000;
export const SANDBOX_UID_COUNT = 64;

/**
 * Hands each worker container a uid no other live worker has. The kernel counts a uid's processes
 * across the whole host (RLIMIT_NPROC), so a per-request process limit is only per worker when no
 * two workers share a uid — and a program can never signal another worker's program either.
 */
export class SandboxUids {
  private readonly free: number[] = [];

  constructor(count = SANDBOX_UID_COUNT) {
    for (let i = 0; i < count; i++) this.free.push(FIRST_SANDBOX_UID + i);
  }

  /** Uids not handed out by this process (another process may still hold some of them). */
  get available(): number {
    return this.free.length;
  }

  take(): number {
    const uid = this.free.shift();
    if (uid === undefined) {
      throw new CoderingError('internal', `more than ${SANDBOX_UID_COUNT} workers at once: no sandbox uid left`);
    }
    return uid;
  }

  give(uid: number): void {
    if (!this.free.includes(uid)) this.free.push(uid);
  }
}
