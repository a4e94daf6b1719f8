import type { ContainerEngine, ManagedContainer } from '../../../factory/engine';
import { createLocalPlatform, SANDBOX_UID_LABEL } from '../../../registry-api/platform/local';
import { FakeProxy } from './fake-worker-streams';

/**
 * An engine shared by "processes": container names are unique across all of them, as Docker's
 * are on a host, and creating a taken name answers 409 like the real engine.
 */
class SharedEngine {
  readonly byName = new Map<string, { id: string; uid: number; owner: string }>();
  private serial = 0;

  engineFor(owner: string): ContainerEngine {
    return {
      ping: async () => undefined,
      imageExists: async () => true,
      list: async (): Promise<ManagedContainer[]> => [],
      destroy: async (id: string) => {
        for (const [name, container] of this.byName) if (container.id === id) this.byName.delete(name);
      },
      startAttached: async (spec: Record<string, unknown>) => {
        const name = spec.name as string;
        if (this.byName.has(name)) throw Object.assign(new Error(`Conflict. The container name "/${name}" is already in use`), { statusCode: 409 });
        const labels = spec.Labels as Record<string, string>;
        this.serial += 1;
        const id = `c${this.serial}`;
        this.byName.set(name, { id, uid: Number(labels[SANDBOX_UID_LABEL]), owner });
        return { id, streams: new FakeProxy().streams };
      },
    };
  }

  uidsOf(owner: string): number[] {
    return [...this.byName.values()].filter((c) => c.owner === owner).map((c) => c.uid).sort();
  }
}

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 10));

describe('sandbox uids are unique on the host, not only in one process', () => {
  it('a second platform on the same engine skips the uids the first one holds', async () => {
    const shared = new SharedEngine();
    const first = createLocalPlatform({ engine: shared.engineFor('first'), warmFloor: 3, maxWorkers: 8 });
    const second = createLocalPlatform({ engine: shared.engineFor('second'), warmFloor: 3, maxWorkers: 8 });
    await first.warm('img', 3);
    await settle();
    await second.warm('img', 3);
    await settle();
    expect(shared.uidsOf('first')).toEqual([60000, 60001, 60002]);
    expect(shared.uidsOf('second')).toEqual([60003, 60004, 60005]);
    await first.close();
    await second.close();
  });

  it('a uid another process gives up can be claimed again later', async () => {
    const shared = new SharedEngine();
    const first = createLocalPlatform({ engine: shared.engineFor('first'), warmFloor: 1, maxWorkers: 8 });
    await first.warm('img', 1);
    await settle();
    const second = createLocalPlatform({ engine: shared.engineFor('second'), warmFloor: 1, maxWorkers: 1 });
    await second.warm('img', 1);
    await settle();
    expect(shared.uidsOf('second')).toEqual([60001]);
    await first.close();
    await second.close();
    const third = createLocalPlatform({ engine: shared.engineFor('third'), warmFloor: 1, maxWorkers: 1 });
    await third.warm('img', 1);
    await settle();
    expect(shared.uidsOf('third')).toEqual([60000]);
    await third.close();
  });
});
