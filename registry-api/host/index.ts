// What the service knows of the host it runs on, beside the engine.
export { processAlive } from './process-alive';
