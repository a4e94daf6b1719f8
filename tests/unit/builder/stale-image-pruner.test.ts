import type { EngineImage, ImageEngine, RemoveOutcome } from '../../../factory/engine';
import { pruneStaleImages } from '../../../factory/builder';

const image = (tag: string, created: number, labels: Record<string, string>): EngineImage => ({
  id: `sha256:${tag}`,
  tags: [tag, `127.0.0.1:5000/${tag}`],
  labels: { 'org.codering.managed': 'true', ...labels },
  created,
  size: 1,
});

function fakeEngine(images: EngineImage[], inUse: string[] = []): { engine: ImageEngine; removed: string[] } {
  const removed: string[] = [];
  const engine = {
    listImages: async () => images,
    removeImage: async (reference: string): Promise<RemoveOutcome> => {
      if (inUse.includes(reference)) return 'in_use';
      removed.push(reference);
      return 'removed';
    },
  } as unknown as ImageEngine;
  return { engine, removed };
}

const python = (hash: string, created: number) =>
  image(`codering/python:3.11.2-${hash}`, created, { 'org.codering.layer': 'runtime', 'org.codering.runtime': 'python@3.11.2' });

describe('pruneStaleImages', () => {
  it('keeps the newest image of each runtime version and removes both tags of older ones', async () => {
    const { engine, removed } = fakeEngine([
      python('aaa', 100),
      python('bbb', 300),
      python('ccc', 200),
      image('codering/python:3.13.5-ddd', 50, { 'org.codering.layer': 'runtime', 'org.codering.runtime': 'python@3.13.5' }),
      image('codering/debian:bookworm', 1, { 'org.codering.kind': 'debian-root' }),
    ]);
    const report = await pruneStaleImages(engine);
    expect(removed.sort()).toEqual([
      '127.0.0.1:5000/codering/python:3.11.2-aaa',
      '127.0.0.1:5000/codering/python:3.11.2-ccc',
      'codering/python:3.11.2-aaa',
      'codering/python:3.11.2-ccc',
    ]);
    expect(report.kept).toBe(2);
  });

  it('keeps exercise images of different library sets apart, and never forces an image in use', async () => {
    const exercise = (hash: string, created: number, libraries: string) =>
      image(`codering/node-exercise:20.19.2-${hash}`, created, {
        'org.codering.layer': 'exercise',
        'org.codering.runtime': 'node@20.19.2',
        'org.codering.libraries': libraries,
      });
    const { engine, removed } = fakeEngine(
      [exercise('a', 1, 'lodash@4'), exercise('b', 2, 'left-pad@1'), exercise('c', 3, 'lodash@4')],
      ['codering/node-exercise:20.19.2-a'],
    );
    const report = await pruneStaleImages(engine);
    expect(removed).toEqual(['127.0.0.1:5000/codering/node-exercise:20.19.2-a']);
    expect(report.inUse).toEqual(['codering/node-exercise:20.19.2-a']);
    expect(report.kept).toBe(2);
  });

  it('removes nothing in a dry run', async () => {
    const { engine, removed } = fakeEngine([python('aaa', 1), python('bbb', 2)]);
    const report = await pruneStaleImages(engine, { dryRun: true });
    expect(removed).toEqual([]);
    expect(report.removed).toHaveLength(2);
  });
});
