/**
 * Another process on this host with warm workers of its own, as the served API is beside the test
 * suite (`npm run up` in one terminal, `npm test` in another). Started by a test as
 * `node --import tsx second-instance.ts <image> <workers>`: it warms its workers, says `ready`, and
 * holds them until its stdin closes.
 */
import { createLocalPlatform } from '../../../registry-api/platform/local';

async function main(): Promise<void> {
  const [image, count] = [process.argv[2] as string, Number(process.argv[3])];
  const platform = createLocalPlatform({ warmFloor: count, maxWorkers: count });
  await platform.start();
  await platform.warm(image, count);
  while (platform.stats().reduce((sum, pool) => sum + pool.idle, 0) < count) await new Promise((resolve) => setTimeout(resolve, 50));
  process.stdout.write('ready\n');
  process.stdin.on('end', () => {
    void platform.close().then(() => process.exit(0));
  });
  process.stdin.resume();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
