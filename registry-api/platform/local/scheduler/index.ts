export { CapacityScheduler } from './capacity-scheduler';
export type { SchedulerEvent, SchedulerOptions } from './capacity-scheduler';
export { CapacityBudget } from './capacity-budget';
export type { CapacityLimits } from './capacity-budget';
export { ImageDemand } from './image-demand';
export type { SchedulableWorker } from './schedulable-worker';
