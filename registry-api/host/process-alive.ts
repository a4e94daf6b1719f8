/**
 * Whether a process of this host still exists, from its pid: what tells a live owner of workers or
 * of a data directory from one that crashed. EPERM means it exists but is another user's.
 */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
