/**
 * The sandbox attacks on the cluster path: support/sandbox-attacks.ts's cases (the local platform's
 * own), each a real attack in python sent by the API's NuclioPlatform to one replica of the python
 * function in the shell-runtime harness, so every attack and every check after it land in the same
 * pod, as the local test's land in the same warm worker. Twice: a function as the Pulumi program
 * deploys it (its Deployment patched: read-only root, only the proxy's capabilities), and one the API
 * deploys on first use, which gets no patch (the runtime's default capabilities, a writable root).
 * A case that cannot hold on Nuclio says why in the table and is left to the local platform.
 */
import { ATTACK_LIMITS, attacksFor, SANDBOX_ATTACKS, type AttackPlatform } from '../support';
import { NuclioCluster, type RuntimeFunction } from './runtime-functions';
import type { ContainerHardening } from './shell-runtime-harness';

jest.setTimeout(10 * 60_000);

/** A container Nuclio makes with no patch: the container runtime's default capabilities (containerd's and Docker's), nothing else said. */
const UNPATCHED: ContainerHardening = {
  capabilities: {
    add: ['CHOWN', 'DAC_OVERRIDE', 'FSETID', 'FOWNER', 'MKNOD', 'NET_RAW', 'SETGID', 'SETUID', 'SETFCAP', 'SETPCAP', 'NET_BIND_SERVICE', 'SYS_CHROOT', 'KILL', 'AUDIT_WRITE'],
  },
};

describe.each([
  ['deployed by the Pulumi program (Deployment patched)', undefined],
  ['deployed by the API on first use (no patch)', UNPATCHED],
] as const)('a Nuclio replica under attack, %s', (_how, containerSecurity) => {
  let cluster: NuclioCluster;
  let python: RuntimeFunction;

  beforeAll(async () => {
    cluster = await NuclioCluster.start();
    python = await cluster.deploy('python@3.11', {}, containerSecurity);
  });

  afterAll(async () => {
    await cluster?.close();
  });

  const nuclio: AttackPlatform = {
    name: 'nuclio',
    run: (code, overrides = {}, stdin = '') =>
      cluster.run(python, { files: [{ name: 'main.py', content: code }], main: 'main.py', stdin, limits: { ...ATTACK_LIMITS, ...overrides } }),
    // the one the handler derives from the pod's name: never the processor's 1000
    isSandboxUid: (uid) => uid !== 1000 && python.deployed.replicas.some((replica) => replica.sandboxUid === uid),
  };

  it.each(attacksFor('nuclio'))('%s', async (_name, attack) => {
    await attack.act(nuclio);
  });
});

it('leaves out only the cases that say why', () => {
  const left = SANDBOX_ATTACKS.filter((attack) => attack.only !== undefined && !attack.only.platforms.includes('nuclio'));
  for (const attack of left) expect(attack.only?.why.length).toBeGreaterThan(40);
  expect(left.map((attack) => attack.name)).toEqual([]);
});
