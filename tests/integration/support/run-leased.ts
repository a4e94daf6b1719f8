import type { Platform, ProxyResult, WorkerRequest } from '../../../registry-api/platform';

/**
 * One run as the executor makes it: a worker of `image` leased from `platform`, released healthy
 * after an answer, unhealthy after a failure (which is rethrown).
 */
export async function runLeased(platform: Platform, image: string, request: WorkerRequest): Promise<ProxyResult & { workerId: string }> {
  const lease = await platform.acquire(image);
  try {
    const result = await lease.worker.run(request, new AbortController().signal);
    lease.release(true);
    return { ...result, workerId: lease.worker.id };
  } catch (error) {
    lease.release(false);
    throw error;
  }
}
