/**
 * How a run races workers: `pair` sends it to two at once, `hedged` sends the second only past the
 * runtime's p95, `single` never sends a second. Operators pick the default, clients per request;
 * config, request schema, executor and bench all read this one list.
 */

export const RACE_MODES = ['pair', 'hedged', 'single'] as const;

export type RaceMode = (typeof RACE_MODES)[number];
