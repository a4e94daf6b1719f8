import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { JobStore, LOCK_FILE } from '../../../registry-api/jobs';

/** One API process per data directory: its jobs are recovered at start-up, by one owner only. */
describe('the data directory lock', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'codering-lock-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('refuses a directory a live process holds, naming it', () => {
    // jest's parent process is alive and is not us: as another API process would be
    writeFileSync(path.join(dataDir, LOCK_FILE), `${process.ppid}\n`);
    expect(() => JobStore.inDataDir(dataDir)).toThrow(expect.objectContaining({ code: 'data_dir_in_use', message: expect.stringContaining(`pid ${process.ppid}`) }));
    // refused before anything was written: the holder's database is untouched
    expect(existsSync(path.join(dataDir, 'codering.db'))).toBe(false);
  });

  it('takes over a lock whose process is gone, and gives it back on close', () => {
    writeFileSync(path.join(dataDir, LOCK_FILE), '2147483646\n');
    const store = JobStore.inDataDir(dataDir);
    expect(readFileSync(path.join(dataDir, LOCK_FILE), 'utf8')).toBe(`${process.pid}\n`);
    store.close();
    expect(existsSync(path.join(dataDir, LOCK_FILE))).toBe(false);
  });

  it('lets the same process open its directory again (an app restarted in one process)', () => {
    const first = JobStore.inDataDir(dataDir);
    const second = JobStore.inDataDir(dataDir);
    second.close();
    first.close();
  });
});
