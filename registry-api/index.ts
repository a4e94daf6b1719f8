/**
 * The HTTP service as a fastify app built from injected dependencies. `server.ts`, the process that
 * wires the real ones and listens, is an entry point (`npm start`) and not exported.
 */
export { buildApp, type AppDeps } from './app';
export { createRuntimeServices, type RuntimeServiceDeps, type RuntimeServices } from './runtime-services';
