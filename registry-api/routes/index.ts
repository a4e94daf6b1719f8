export { capacityRoutes } from './capacity-routes';
export { healthRoutes } from './health-routes';
export { imageRoutes } from './image-routes';
export { keyRoutes } from './key-routes';
export { runRoutes } from './run-routes';
export { runSocketRoutes } from './run-socket-routes';
export { runtimeRoutes } from './runtime-routes';
export type { RouteContext } from './route-context';
