/**
 * Image build requests as jobs: `POST /v1/images` answers 202 at once with the job (the same job for
 * the same content while it is active); clients poll the job or follow its events.
 */

import { Type } from '@sinclair/typebox';
import { CoderingError } from '../../errors';
import { errorResponses, imageRequestSchema, jobListSchema, jobSchema } from '../contract';
import { isFinished, type BuildJob } from '../jobs';
import { resolveTarget } from '../images';
import type { ApiInstance } from './api-instance';
import type { RouteContext } from './route-context';

const jobParams = Type.Object({ id: Type.String({ pattern: '^[0-9a-f-]{36}$' }) });
const DEFAULT_LIST_LIMIT = 20;
const MAX_LIST_LIMIT = 200;
/** Keeps proxies from closing an idle event stream while a long build step runs. */
const HEARTBEAT_MS = 15_000;

export function imageRoutes(app: ApiInstance, context: RouteContext): void {
  app.post(
    '/v1/images',
    {
      schema: {
        summary: 'Request an image for a runtime (+ libraries); answers a build job',
        tags: ['images'],
        body: imageRequestSchema,
        response: { 202: jobSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      // Resolving first makes a bad runtime or library a 4xx now, with no job created.
      const target = resolveTarget(context.catalogue, request.body.runtime, request.body.libraries ?? []);
      const { job } = context.jobs.submit(target, request.body.runtime);
      void reply.code(202).header('location', `/v1/images/jobs/${job.id}`);
      return job;
    },
  );

  app.get(
    '/v1/images/jobs',
    {
      schema: {
        summary: 'Recent build jobs, newest first',
        tags: ['images'],
        querystring: Type.Object(
          { limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$' })) },
          { additionalProperties: false },
        ),
        response: { 200: jobListSchema, ...errorResponses },
      },
    },
    async (request) => {
      const limit = Math.min(Number(request.query.limit ?? DEFAULT_LIST_LIMIT), MAX_LIST_LIMIT);
      return { jobs: context.jobs.list(Math.max(limit, 1)) };
    },
  );

  app.get(
    '/v1/images/jobs/:id',
    {
      schema: {
        summary: 'One build job: state, progress (stage, step n/total, last line), image or error',
        tags: ['images'],
        params: jobParams,
        response: { 200: jobSchema, ...errorResponses },
      },
    },
    async (request) => findJob(context, request.params.id),
  );

  app.get(
    '/v1/images/jobs/:id/events',
    {
      schema: {
        summary: 'Server-sent events: the job on every change, until it is finished',
        tags: ['images'],
        params: jobParams,
        produces: ['text/event-stream'],
      },
    },
    async (request, reply) => {
      const job = findJob(context, request.params.id);
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        'x-request-id': request.id,
      });
      const send = (current: BuildJob): void => {
        raw.write(`event: job\ndata: ${JSON.stringify(current)}\n\n`);
        if (isFinished(current)) stop();
      };
      const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), HEARTBEAT_MS);
      const unsubscribe = context.jobs.subscribe(job.id, send);
      let stopped = false;
      function stop(): void {
        if (stopped) return;
        stopped = true;
        clearInterval(heartbeat);
        unsubscribe();
        raw.end();
      }
      raw.on('close', stop);
      // The job may have finished between the lookup and the subscription: send its latest state.
      send(context.jobs.get(job.id) ?? job);
    },
  );
}

function findJob(context: RouteContext, id: string): BuildJob {
  const job = context.jobs.get(id);
  if (job === undefined) throw new CoderingError('not_found', `no build job ${id}`, { id });
  return job;
}
