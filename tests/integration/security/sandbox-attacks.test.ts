/**
 * Security, acted out: each test runs a real attack in a real warm worker of the python runtime and
 * checks it is contained — and that the same worker then serves the next run cleanly. The attacks are
 * support/sandbox-attacks.ts's, which the Nuclio harness runs too.
 */
import { createLocalPlatform, type LocalPlatform } from '../../../registry-api/platform/local';
import type { ProxyResult, RunLimits } from '../../../registry-api/platform';
import { ATTACK_LIMITS, attacksFor, runLeased, runtimeImage, type AttackPlatform } from '../support';

jest.setTimeout(120_000);

let platform: LocalPlatform;
let image: string;

beforeAll(async () => {
  image = await runtimeImage('python@3.11');
  // one worker only: every attack and every check after it land in the same container
  platform = createLocalPlatform({ warmFloor: 1, maxWorkers: 1, hardening: { memoryBytes: 256 * 1024 * 1024, pidsLimit: 64 } });
  await platform.start();
  await platform.warm(image, 1);
});

afterAll(async () => {
  await platform?.close();
});

function run(code: string, overrides: Partial<RunLimits> = {}, stdin = ''): Promise<ProxyResult & { workerId: string }> {
  return runLeased(platform, image, {
    requestId: 'security',
    files: [{ name: 'main.py', content: code }],
    main: 'main.py',
    stdin,
    args: [],
    limits: { ...ATTACK_LIMITS, ...overrides },
  });
}

/** A uid of the worker's own, from the base image's sandbox range, never root. */
const local: AttackPlatform = { name: 'local', run, isSandboxUid: (uid) => uid >= 60_000 && uid < 60_064 };

describe('a warm worker under attack', () => {
  it.each(attacksFor('local'))('%s', async (_name, attack) => {
    await attack.act(local);
  });
});
