import { CoderingError } from '../../../errors';

/**
 * Every call to the engine gets a deadline: a daemon that stops answering (FACTS.md: parallel
 * builds can hang) must turn into an error we can act on, never into a request that hangs.
 */
export async function withEngineDeadline<T>(what: string, ms: number, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new CoderingError('engine_timeout', `the engine did not answer "${what}" within ${ms} ms`, { call: what, timeoutMs: ms }));
    }, ms);
  });
  try {
    return await Promise.race([call(controller.signal), deadline]);
  } catch (error) {
    if (error instanceof CoderingError) throw error;
    throw new CoderingError('engine_unavailable', `the engine failed "${what}": ${(error as Error).message}`, { call: what }, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}
