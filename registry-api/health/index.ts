/** Whether the API can serve runs now (`/readyz`): the engine, and the runtimes warmed at start. */
export { Readiness, type ReadinessOptions, type ReadinessReport } from './readiness';
