/**
 * One API process per data directory. Build jobs live in the directory's database, and a process
 * recovers at start-up the jobs it finds `building`: a second process on the same directory would
 * take over jobs whose owner is alive and running them (they went succeeded, building, failed).
 * So the first process writes its pid into a lock file, a second one is refused with a message that
 * says which process holds the directory, and a lock whose process is gone is taken over.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { CoderingError } from '../../errors';
import { processAlive } from '../host';

export const LOCK_FILE = 'codering-api.lock';

export class DataDirLock {
  private constructor(private readonly file: string) {}

  /** Takes the directory for this process, or throws `data_dir_in_use` naming the live holder. */
  static acquire(dataDir: string): DataDirLock {
    const file = path.join(dataDir, LOCK_FILE);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(file, 'wx');
        writeSync(fd, `${process.pid}\n`);
        closeSync(fd);
        return new DataDirLock(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = Number.parseInt(readFileSync(file, 'utf8'), 10);
      // the same process opening its directory twice (a restart of the app in one process) is fine
      if (holder === process.pid) return new DataDirLock(file);
      if (processAlive(holder)) {
        throw new CoderingError(
          'data_dir_in_use',
          `another codering API (pid ${holder}) uses the data directory ${dataDir}: give this one its own CODERING_DATA_DIR, or stop that one`,
          { dataDir, pid: holder, lockFile: file },
        );
      }
      // its process is gone: the lock is stale
      unlinkSync(file);
    }
    throw new CoderingError('data_dir_in_use', `could not take the data directory ${dataDir}: another process took it at the same moment`, { dataDir });
  }

  /** Gives the directory back, if this process still holds it. */
  release(): void {
    try {
      if (Number.parseInt(readFileSync(this.file, 'utf8'), 10) === process.pid) unlinkSync(this.file);
    } catch {
      // already gone: nothing to give back
    }
  }
}
