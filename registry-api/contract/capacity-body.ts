import { Type, type Static } from '@sinclair/typebox';

const count = (description: string) => Type.Integer({ minimum: 0, description });

const imageCapacitySchema = Type.Object({
  image: Type.String({ description: 'Image reference the workers run' }),
  idle: count('Warm workers free now'),
  busy: count('Workers running a program, or cleaning after one'),
  starting: count('Workers being started (a cold start, or towards the warm target)'),
  waiting: count('Runs waiting for a worker of this image'),
  target: Type.Optional(count('Workers the platform aims to keep now: the floor, or more while the image is in demand')),
  floor: Type.Optional(count('Workers kept even when unused (the default runtimes)')),
  coldStarts: Type.Optional(count('Workers started because a run found none free')),
  evictions: Type.Optional(count('Idle workers removed to give their slot to another image')),
  retiredUnclean: Type.Optional(count('Workers retired because they could not be proven clean after a run')),
  replicas: Type.Optional(count("Replicas of the image's Nuclio function at the last count")),
  busyAnswers: Type.Optional(count('Requests a worker refused because it was busy (a Nuclio replica answering 503)')),
});

/** `GET /v1/capacity`: how much of the host's worker budget is in use, and by which image. */
export const capacitySchema = Type.Object({
  platform: Type.Union([Type.Literal('local'), Type.Literal('nuclio')]),
  slots: count('Workers the host can hold at once, every image together: the smallest of the limits'),
  slotsInUse: count('Workers alive, starting or being removed'),
  running: count('Programs running now (a race counts two); at most `limits.maxRunning`'),
  limits: Type.Object({
    maxWorkers: count('CODERING_MAX_WORKERS'),
    memoryBytes: Type.Union([count('CODERING_WORKERS_MEMORY_BYTES'), Type.Null()]),
    workerMemoryBytes: Type.Union([count("Each worker's container memory limit, as counted against the memory"), Type.Null()]),
    sandboxUids: Type.Union([count('Sandbox uids of the base image (one per live worker)'), Type.Null()]),
    maxRunning: count('CODERING_MAX_RUNNING: programs running at once, every image together'),
  }),
  waiting: count('Runs waiting for a worker, every image together'),
  queueMax: count('Runs that may wait before `queue_full`'),
  images: Type.Array(imageCapacitySchema),
});

export type CapacityBody = Static<typeof capacitySchema>;
